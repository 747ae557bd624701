#pragma once
// The Interpolation dock: endpoints A and B (each from the current latent, an image file dropped
// or chosen, a seed, or another panel through setEndpoint), steps and linear/spherical, a strip
// rendered in one batch decode in the background, frames that load into the main view when
// clicked, export as PNG strip, numbered frames, GIF or MP4, and Animate, which plays the path
// in the main view.
//
// The panel knows no MainWindow: it reads the current latent through a callback and tells the
// window what to show through signals (frameChosen, animationFrame).
#include <QImage>
#include <QWidget>
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "ui/analysis/strip_export.h"
#include "ui/window/model_summary.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;
class QToolButton;

namespace latentlab::ui {

class BackgroundJob;
class EndpointView;
class StripView;

class InterpolationPanel : public QWidget {
  Q_OBJECT

 public:
  using Latent = std::vector<float>;
  enum Endpoint { A = 0, B = 1 };
  static constexpr int kDefaultSteps = 10;
  static constexpr int kMaxSteps = 1000;

  explicit InterpolationPanel(QWidget* parent = nullptr);
  ~InterpolationPanel() override;

  // The model the latents belong to. A new model (another generation) clears both endpoints and
  // the strip and cancels running work.
  void setModel(const ModelSummary& model);
  // Where "Current" takes the latent from (the window's currentLatent()).
  void setCurrentLatentSource(std::function<Latent()> source) {
    m_currentLatent = std::move(source);
  }

  // THE way for other panels (latent map, GMM) to set an endpoint: which is Endpoint A (0) or
  // B (1); thumbnail is the latent's decoded image if the caller has one (a null image makes
  // the panel decode it in the background); source is the caption under the thumbnail. Returns
  // false (and changes nothing) when no model is loaded or the latent's length is not the model's.
  bool setEndpoint(int which, Latent latent, QImage thumbnail = QImage(),
                   QString source = QString());
  std::optional<Latent> endpoint(int which) const { return m_endpoints.at(size_t(which)).latent; }
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
  EndpointView* endpointView(int which) const { return m_endpoints.at(size_t(which)).view; }
  // True while any background work (endpoint, strip, export) runs; for tests to wait on.
  bool isBusy() const;

  // Writes the rendered strip in the background; errorOccurred on failure, exported on success.
  void exportStrip(StripFormat format, const QString& path);

  bool isAnimating() const;

 public slots:
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
  struct EndpointSlot {
    std::optional<Latent> latent;
    EndpointView* view = nullptr;
    QSpinBox* seed = nullptr;
    BackgroundJob* job = nullptr;
  };

  struct StripResult;  // what the strip job hands back (interpolation_panel.cpp)

  QWidget* createEndpointColumn(int which, const QString& title);
  QWidget* createControls();
  void startEndpointJob(int which, std::function<void(BackgroundJob&)> work,
                        std::function<void()> apply, const QString& failureTitle);
  void decodeThumbnail(int which, const QString& source);
  void chooseImage(int which);
  void chooseExport(StripFormat format);
  void scheduleRender();
  void onStripReady();
  void onFrameClicked(int index);
  void advanceAnimation();
  void stopAnimationTimer();  // no undoable edit (setAnimating(false) makes one)
  void showProgress(double fraction, const QString& text);
  void updateProgress();

  ModelSummary m_model;
  std::function<Latent()> m_currentLatent;
  std::array<EndpointSlot, 2> m_endpoints;

  QSpinBox* m_steps;
  QComboBox* m_method;
  QDoubleSpinBox* m_fps;
  QSpinBox* m_scale;
  QPushButton* m_render;
  QPushButton* m_animate;
  QPushButton* m_export;  // its menu: the four formats
  QProgressBar* m_progress;
  QToolButton* m_cancel;
  StripView* m_strip;

  BackgroundJob* m_stripJob;
  BackgroundJob* m_exportJob;
  QTimer* m_renderTimer;  // coalesces setting changes into one render
  QTimer* m_animationTimer;
  bool m_renderAgain = false;                  // settings changed while a strip was rendering
  std::shared_ptr<StripResult> m_stripResult;  // filled by the running strip job
  QString m_exportPath;                        // of the running export
  std::vector<Latent> m_stripLatents;
  int m_animationStep = 0;  // position along the back-and-forth path: 0 .. 2 (N - 1) - 1
};

}  // namespace latentlab::ui
