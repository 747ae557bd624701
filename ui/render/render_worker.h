#pragma once
// The live renderer: owns the loaded model and turns latents into images on its own thread, so
// the UI thread never waits for inference. Torch stays in the .cpp; this header is safe for
// widgets.
//
// Coalescing (Qt's Mandelbrot example, stylegan3's AsyncRenderer): there is one pending-request
// slot, overwritten under a mutex, and a rising request id. A slider drag may post hundreds of
// requests while one decode runs; when the worker comes back it renders only the newest, so a
// fast drag never builds a backlog. The UI drops results older than the one it shows.
#include <QImage>
#include <QMutex>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <vector>

#include "ui/window/model_summary.h"

namespace latentlab::ui {

class RenderWorker : public QObject {
  Q_OBJECT

 public:
  // Create without a parent, then moveToThread(); shut down with thread.quit(); thread.wait().
  explicit RenderWorker(QObject* parent = nullptr);
  ~RenderWorker() override;

  // Thread-safe. Replaces the pending request and returns its id (ids rise from 1). The request
  // is dropped silently if `generation` is not the loaded model's (a latent for an old model).
  quint64 requestRender(quint64 generation, std::vector<float> latent);

  // Thread-safe. Loads on the worker's thread, then emits modelLoaded or loadFailed. A failed
  // load keeps the current model. device: "auto", "cpu", "cuda", "cuda:N".
  void requestLoad(const QString& path, const QString& device = QStringLiteral("auto"));

  // Decodes actually run (not requests): for tests and the frame-rate benchmark.
  int renderCount() const { return m_renderCount.load(); }

 signals:
  // image is a deep copy that the receiver owns; milliseconds covers decode and conversion.
  void imageReady(quint64 id, const QImage& image, double milliseconds);
  // A render that threw. The same message repeated by following renders is reported once.
  void failed(quint64 id, const QString& message);
  // A GAN with a discriminator: the realism logit D(image) of render `id`. Scored after the image
  // is out and only when no newer request waits, so a fast drag is not slowed and its last
  // frame is always scored.
  void realismScored(quint64 id, double logit);
  void modelLoaded(const latentlab::ui::ModelSummary& summary);
  void loadFailed(const QString& path, const QString& message);

 private:
  // Both run on the worker's thread only.
  void renderPending();
  void loadModel(const QString& path, const QString& device);
  void reportFailure(quint64 id, const QString& message);

  struct State;                    // the model and the reused image buffer (LibTorch types)
  std::unique_ptr<State> m_state;  // touched by the worker's thread only

  QMutex m_mutex;  // guards the pending slot: written by the UI thread, taken by the worker
  bool m_hasPending = false;
  bool m_wakeQueued = false;  // one queued renderPending() at a time, however many requests
  quint64 m_lastId = 0;
  quint64 m_pendingId = 0;
  quint64 m_pendingGeneration = 0;
  std::vector<float> m_pendingLatent;

  std::atomic<int> m_renderCount{0};
};

}  // namespace latentlab::ui
