#pragma once
// The Interpolation dock: endpoints A and B (endpoint_column.h: the current latent, an image
// file dropped or chosen, a seed, or another panel through setEndpoint), steps and
// linear/spherical, a strip rendered in one batch decode in the background, frames that load into
// the main view when clicked, export as PNG strip, numbered frames, GIF or MP4
// (strip_exporter.h), and Animate (strip_animator.h), which plays the path in the main view.
//
// The panel knows no MainWindow: the window pushes the model and the current latent into its
// slots, and the panel tells it what to show through signals (frameChosen, animationFrame).
#include <QImage>
#include <QWidget>
#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "ui/analysis/strip_export.h"
#include "ui/window/model_summary.h"

class QTimer;

namespace latentlab::ui {

class BackgroundJob;
class EndpointColumn;
class EndpointView;
class InterpolationControls;
class StripAnimator;
class StripExporter;
class StripView;

class InterpolationPanel : public QWidget {
  Q_OBJECT

 public:
  using Latent = std::vector<float>;
  enum Endpoint { A = 0, B = 1 };

  explicit InterpolationPanel(QWidget* parent = nullptr);
  ~InterpolationPanel() override;

  // THE way for other panels (latent map, GMM) to set an endpoint: which is Endpoint A (0) or
  // B (1); thumbnail is the latent's decoded image if the caller has one (a null image makes
  // the panel decode it in the background); source is the caption under the thumbnail. Returns
  // false (and changes nothing) when no model is loaded or the latent's length is not the model's.
  bool setEndpoint(int which, Latent latent, QImage thumbnail = QImage(),
                   QString source = QString());
  std::optional<Latent> endpoint(int which) const;
  void clearEndpoint(int which);
  void setEndpointFromCurrent(int which);
  void setEndpointFromSeed(int which, quint64 seed);
  // Encodes the file in the background (VAE: posterior mean; GAN: inversion with progress);
  // a file that is not an image gives errorOccurred and keeps the endpoint.
  void setEndpointFromImage(int which, const QString& path);

  int steps() const;
  void setSteps(int steps);
  bool spherical() const;
  void setSpherical(bool spherical);
  double framesPerSecond() const;  // Animate, the GIF's delay and the video's rate
  void setFramesPerSecond(double fps);
  int exportScale() const;  // nearest-neighbour enlargement of exported images
  void setExportScale(int scale);

  // The rendered strip: its latents (empty until rendered) and its view.
  const std::vector<Latent>& stripLatents() const { return m_stripLatents; }
  StripView* stripView() const { return m_strip; }
  EndpointView* endpointView(int which) const;
  // True while any background work (endpoint, strip, export) runs; for tests to wait on.
  bool isBusy() const;

  // Writes the rendered strip in the background; errorOccurred on failure, exported on success.
  void exportStrip(StripFormat format, const QString& path);

  bool isAnimating() const;

 public slots:
  // The model the latents belong to. A new model (another generation) clears both endpoints and
  // the strip and cancels running work.
  void setModel(const latentlab::ui::ModelSummary& model);
  // The latent shown in the main view: what "Current" takes.
  void setCurrentLatent(const std::vector<float>& latent) { m_currentLatent = latent; }
  void renderStrip();
  void setAnimating(bool on);
  void cancelWork();

 signals:
  void frameChosen(const std::vector<float>& latent);     // a frame was clicked
  void animationFrame(const std::vector<float>& latent);  // each frame Animate plays
  void settingsChanged();                                 // endpoints, steps or method
  void errorOccurred(const QString& title, const QString& text);
  void exported(const QString& path);
  void statusMessage(const QString& text);

 private:
  struct StripResult;  // what the strip job hands back (interpolation_panel.cpp)

  EndpointColumn* column(int which) const { return m_endpoints.at(size_t(which)); }
  void chooseExport(StripFormat format);
  void onStripReady();
  void onFrameClicked(int index);
  void advanceAnimation();
  void stopAnimationTimer();  // no undoable edit (setAnimating(false) makes one)
  void showProgress(double fraction, const QString& text);
  void updateProgress();
  void restartRender();  // settings changed: render once they stop changing

  ModelSummary m_model;
  Latent m_currentLatent;
  std::array<EndpointColumn*, 2> m_endpoints;

  InterpolationControls* m_controls;
  StripView* m_strip;

  BackgroundJob* m_stripJob;
  StripExporter* m_exporter;
  StripAnimator* m_animator;
  QTimer* m_renderTimer;                       // coalesces setting changes into one render
  bool m_renderAgain = false;                  // settings changed while a strip was rendering
  std::shared_ptr<StripResult> m_stripResult;  // filled by the running strip job
  std::vector<Latent> m_stripLatents;
};

}  // namespace latentlab::ui
