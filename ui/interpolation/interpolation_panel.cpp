#include "ui/interpolation/interpolation_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimer>
#include <QToolButton>
#include <limits>

#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_batch.h"
#include "ui/interpolation/endpoint_view.h"
#include "ui/widgets/strip_view.h"

namespace latentlab::ui {

namespace {

constexpr int kRenderDelayMs = 80;  // settings typed in quick succession render once

QString noEndpointsText() {
  return InterpolationPanel::tr(
      "Set endpoints A and B: the current latent, a seed, an image file (drop one on A or B) or a "
      "point of the latent map.");
}

}  // namespace

struct InterpolationPanel::StripResult {
  quint64 generation = 0;
  std::vector<Latent> latents;
  std::vector<QImage> frames;
};

InterpolationPanel::InterpolationPanel(QWidget* parent)
    : QWidget(parent),
      m_stripJob(new BackgroundJob(this)),
      m_exportJob(new BackgroundJob(this)),
      m_renderTimer(new QTimer(this)),
      m_animationTimer(new QTimer(this)) {
  m_strip = new StripView;
  m_strip->setMessage(noEndpointsText());
  connect(m_strip, &StripView::frameClicked, this, &InterpolationPanel::onFrameClicked);

  auto* layout = new QHBoxLayout(this);
  layout->addWidget(createEndpointColumn(A, tr("A")));
  layout->addWidget(createEndpointColumn(B, tr("B")));
  layout->addWidget(createControls());
  layout->addWidget(m_strip, 1);

  m_renderTimer->setSingleShot(true);
  m_renderTimer->setInterval(kRenderDelayMs);
  connect(m_renderTimer, &QTimer::timeout, this, &InterpolationPanel::renderStrip);
  connect(m_animationTimer, &QTimer::timeout, this, &InterpolationPanel::advanceAnimation);

  connect(m_stripJob, &BackgroundJob::succeeded, this, &InterpolationPanel::onStripReady);
  connect(m_stripJob, &BackgroundJob::failed, this, [this](const QString& message) {
    emit errorOccurred(tr("Could not render the strip"), message);
  });
  connect(m_exportJob, &BackgroundJob::succeeded, this, [this] {
    emit statusMessage(tr("Exported %1").arg(m_exportPath));
    emit exported(m_exportPath);
  });
  connect(m_exportJob, &BackgroundJob::failed, this,
          [this](const QString& message) { emit errorOccurred(tr("Could not export"), message); });
  for (BackgroundJob* job : {m_stripJob, m_exportJob}) {
    connect(job, &BackgroundJob::progress, this, &InterpolationPanel::showProgress);
    connect(job, &BackgroundJob::succeeded, this, &InterpolationPanel::updateProgress);
    connect(job, &BackgroundJob::failed, this, &InterpolationPanel::updateProgress);
    connect(job, &BackgroundJob::cancelled, this, &InterpolationPanel::updateProgress);
  }
  // A render asked for while one ran goes next, whatever became of the running one.
  for (auto outcome : {&BackgroundJob::succeeded, &BackgroundJob::cancelled})
    connect(m_stripJob, outcome, this, [this] {
      if (m_renderAgain) renderStrip();
    });
  connect(m_stripJob, &BackgroundJob::failed, this, [this] {
    if (m_renderAgain) renderStrip();
  });
  setEnabled(false);  // until a model is loaded
}

InterpolationPanel::~InterpolationPanel() = default;

QWidget* InterpolationPanel::createEndpointColumn(int which, const QString& title) {
  EndpointSlot& slot = m_endpoints[size_t(which)];
  slot.view = new EndpointView(title);
  connect(slot.view, &EndpointView::fileDropped, this,
          [this, which](const QString& path) { setEndpointFromImage(which, path); });

  // Object names ("currentA", "seedB", ...) let tests and scripts find the buttons.
  const QString suffix = which == A ? QStringLiteral("A") : QStringLiteral("B");
  auto* current = new QToolButton;
  current->setObjectName("current" + suffix);
  current->setText(tr("Current"));
  current->setToolTip(tr("Set %1 to the latent shown in the main view").arg(title));
  connect(current, &QToolButton::clicked, this, [this, which] { setEndpointFromCurrent(which); });
  auto* image = new QToolButton;
  image->setObjectName("image" + suffix);
  image->setText(tr("Image…"));
  image->setToolTip(
      tr("Set %1 to the latent of an image file (a VAE encodes it; a GAN projects it)").arg(title));
  connect(image, &QToolButton::clicked, this, [this, which] { chooseImage(which); });
  slot.seed = new QSpinBox;
  slot.seed->setObjectName("seedValue" + suffix);
  slot.seed->setRange(0, std::numeric_limits<int>::max());
  slot.seed->setValue(which);
  slot.seed->setToolTip(tr("Seed of a latent drawn from the prior (the CLI's seed:N)"));
  auto* seed = new QToolButton;
  seed->setObjectName("seed" + suffix);
  seed->setText(tr("Seed"));
  seed->setToolTip(tr("Set %1 to the prior sample of this seed").arg(title));
  connect(seed, &QToolButton::clicked, this, [this, which] {
    setEndpointFromSeed(which, quint64(m_endpoints[size_t(which)].seed->value()));
  });

  // The buttons beside the thumbnail: the dock is wide and low, and the thumbnail gets its height.
  auto* column = new QWidget;
  auto* grid = new QGridLayout(column);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setVerticalSpacing(2);
  grid->addWidget(slot.view, 0, 0, 5, 1);
  grid->addWidget(current, 0, 1);
  grid->addWidget(image, 1, 1);
  grid->addWidget(slot.seed, 2, 1);
  grid->addWidget(seed, 3, 1);
  grid->setRowStretch(4, 1);
  for (QToolButton* button : {current, image, seed})
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  return column;
}

QWidget* InterpolationPanel::createControls() {
  m_steps = new QSpinBox;
  m_steps->setObjectName(QStringLiteral("steps"));
  m_steps->setRange(2, kMaxSteps);
  m_steps->setValue(kDefaultSteps);
  m_steps->setToolTip(tr("Frames in the strip, both endpoints included"));
  m_method = new QComboBox;
  m_method->setObjectName(QStringLiteral("method"));
  m_method->addItem(tr("Linear"));
  m_method->addItem(tr("Spherical"));
  m_method->setToolTip(
      tr("Linear: a straight line. Spherical: along the great circle, norms "
         "interpolated linearly (keeps latents typical for a Gaussian prior)"));
  m_fps = new QDoubleSpinBox;
  m_fps->setRange(0.5, 60);
  m_fps->setValue(10);
  m_fps->setSuffix(tr(" fps"));
  m_fps->setToolTip(tr("Frame rate of Animate, the GIF and the video"));
  m_scale = new QSpinBox;
  m_scale->setRange(1, 8);
  m_scale->setValue(4);
  m_scale->setPrefix(QStringLiteral("×"));
  m_scale->setToolTip(tr("Exported images are enlarged this many times (crisp pixels)"));
  auto changed = [this] {
    scheduleRender();
    emit settingsChanged();
  };
  connect(m_steps, &QSpinBox::valueChanged, this, changed);
  connect(m_method, &QComboBox::currentIndexChanged, this, changed);
  connect(m_fps, &QDoubleSpinBox::valueChanged, this,
          [this](double fps) { m_animationTimer->setInterval(int(1000 / fps)); });

  m_render = new QPushButton(tr("Render"));
  m_render->setToolTip(tr("Render the strip again (it renders by itself when a setting changes)"));
  connect(m_render, &QPushButton::clicked, this, &InterpolationPanel::renderStrip);
  m_render->setObjectName(QStringLiteral("render"));
  m_animate = new QPushButton(tr("Animate"));
  m_animate->setObjectName(QStringLiteral("animate"));
  m_animate->setCheckable(true);
  m_animate->setToolTip(tr("Play the path back and forth in the main view"));
  connect(m_animate, &QPushButton::toggled, this, &InterpolationPanel::setAnimating);
  m_export = new QPushButton(tr("Export"));
  m_export->setToolTip(
      tr("Save the strip as one PNG, numbered PNG frames, an animated GIF or an MP4 video"));
  auto* menu = new QMenu(m_export);
  menu->addAction(tr("Strip as PNG…"), this, [this] { chooseExport(StripFormat::Png); });
  menu->addAction(tr("Numbered Frames…"), this, [this] { chooseExport(StripFormat::Frames); });
  menu->addAction(tr("Animated GIF…"), this, [this] { chooseExport(StripFormat::Gif); });
  menu->addAction(tr("MP4 Video…"), this, [this] { chooseExport(StripFormat::Video); });
  m_export->setMenu(menu);

  m_progress = new QProgressBar;
  m_progress->setTextVisible(false);
  m_progress->setMaximumHeight(12);
  m_progress->hide();
  m_cancel = new QToolButton;
  m_cancel->setText(tr("Cancel"));
  m_cancel->hide();
  connect(m_cancel, &QToolButton::clicked, this, &InterpolationPanel::cancelWork);

  // Two settings per row and the buttons below: the dock spans the window's width, so its
  // height is what it costs the other panels.
  auto* controls = new QWidget;
  auto* grid = new QGridLayout(controls);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->addWidget(new QLabel(tr("Steps")), 0, 0);
  grid->addWidget(m_steps, 0, 1);
  grid->addWidget(new QLabel(tr("Path")), 0, 2);
  grid->addWidget(m_method, 0, 3);
  grid->addWidget(new QLabel(tr("Speed")), 1, 0);
  grid->addWidget(m_fps, 1, 1);
  grid->addWidget(new QLabel(tr("Export")), 1, 2);
  grid->addWidget(m_scale, 1, 3);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_render);
  buttons->addWidget(m_animate);
  buttons->addWidget(m_export);
  grid->addLayout(buttons, 2, 0, 1, 4);
  auto* progress = new QHBoxLayout;
  progress->addWidget(m_progress, 1);
  progress->addWidget(m_cancel);
  grid->addLayout(progress, 3, 0, 1, 4);
  grid->setRowStretch(4, 1);
  return controls;
}

void InterpolationPanel::setModel(const ModelSummary& model) {
  if (model.generation == m_model.generation) return;
  stopAnimationTimer();  // its latents belong to the old model: nothing to keep
  cancelWork();
  m_model = model;
  for (int which : {A, B}) {
    m_endpoints[size_t(which)].latent.reset();
    m_endpoints[size_t(which)].view->setThumbnail({}, {});
    m_endpoints[size_t(which)].view->setBusyText({});
  }
  m_stripLatents.clear();
  m_strip->setFrames({});
  m_strip->setMessage(noEndpointsText());
  setEnabled(model.isValid());
}

bool InterpolationPanel::setEndpoint(int which, Latent latent, QImage thumbnail, QString source) {
  if (which != A && which != B) return false;
  if (!m_model.isValid() || int(latent.size()) != m_model.latentDim) return false;
  EndpointSlot& slot = m_endpoints[size_t(which)];
  if (slot.job) slot.job->cancel();  // an older request for this endpoint must not land later
  slot.job = nullptr;
  slot.latent = std::move(latent);
  slot.view->setBusyText({});
  if (thumbnail.isNull())
    decodeThumbnail(which, source);
  else
    slot.view->setThumbnail(thumbnail, source);
  scheduleRender();
  emit settingsChanged();
  return true;
}

void InterpolationPanel::clearEndpoint(int which) {
  EndpointSlot& slot = m_endpoints.at(size_t(which));
  if (slot.job) slot.job->cancel();
  slot.job = nullptr;
  slot.latent.reset();
  slot.view->setThumbnail({}, {});
  slot.view->setBusyText({});
  scheduleRender();
  emit settingsChanged();
}

void InterpolationPanel::setEndpointFromCurrent(int which) {
  if (m_currentLatent) setEndpoint(which, m_currentLatent(), {}, tr("current latent"));
}

void InterpolationPanel::setEndpointFromSeed(int which, quint64 seed) {
  if (!m_model.isValid()) return;
  // A handful of normal draws: cheap enough for the UI thread.
  setEndpoint(which, latentFromSeed(seed, m_model.latentDim), {}, tr("seed %1").arg(seed));
}

// Runs work for endpoint `which` on a job of its own, so A, B and a slow inversion never wait for
// each other. A newer request for the same endpoint (or a new model) supersedes it: its result
// and its errors are dropped.
void InterpolationPanel::startEndpointJob(int which, std::function<void(BackgroundJob&)> work,
                                          std::function<void()> apply,
                                          const QString& failureTitle) {
  EndpointSlot& slot = m_endpoints[size_t(which)];
  if (slot.job) slot.job->cancel();
  auto* job = new BackgroundJob(this);
  slot.job = job;
  const quint64 generation = m_model.generation;
  auto isCurrent = [this, which, job, generation] {
    return m_endpoints[size_t(which)].job == job && m_model.generation == generation;
  };
  connect(job, &BackgroundJob::succeeded, this, [this, which, isCurrent, apply] {
    if (!isCurrent()) return;
    m_endpoints[size_t(which)].job = nullptr;
    apply();
  });
  connect(job, &BackgroundJob::failed, this,
          [this, isCurrent, failureTitle](const QString& message) {
            if (isCurrent()) emit errorOccurred(failureTitle, message);
          });
  connect(job, &BackgroundJob::progress, this, &InterpolationPanel::showProgress);
  auto finished = [this, which, job] {
    EndpointSlot& s = m_endpoints[size_t(which)];
    if (s.job == job) {
      s.job = nullptr;
      s.view->setBusyText({});
    }
    job->deleteLater();
    updateProgress();
  };
  for (auto outcome : {&BackgroundJob::succeeded, &BackgroundJob::cancelled})
    connect(job, outcome, this, finished);
  connect(job, &BackgroundJob::failed, this, finished);
  job->start(std::move(work));
  updateProgress();
}

void InterpolationPanel::decodeThumbnail(int which, const QString& source) {
  auto thumbnail = std::make_shared<QImage>();
  std::shared_ptr<Model> model = m_model.model;
  const Latent latent = *m_endpoints[size_t(which)].latent;
  startEndpointJob(
      which,
      [model, latent, thumbnail](BackgroundJob&) {
        *thumbnail = decodeLatents(*model, {latent}).front();
      },
      [this, which, thumbnail, source] {
        m_endpoints[size_t(which)].view->setThumbnail(*thumbnail, source);
      },
      tr("Could not decode the endpoint"));
}

void InterpolationPanel::setEndpointFromImage(int which, const QString& path) {
  if (!m_model.isValid() || (which != A && which != B)) return;
  struct Result {
    Latent latent;
    QImage thumbnail;
  };
  auto result = std::make_shared<Result>();
  std::shared_ptr<Model> model = m_model.model;
  const QString name = QFileInfo(path).fileName();
  m_endpoints[size_t(which)].view->setBusyText(m_model.canEncode ? tr("Encoding…")
                                                                 : tr("Projecting…"));
  startEndpointJob(
      which,
      [model, path, result](BackgroundJob& job) {
        EncodedImage encoded = encodeImageFile(*model, path, job);
        // The thumbnail is the decoded latent, like the strip's frames: where the path starts.
        result->thumbnail = decodeLatents(*model, {encoded.latent}).front();
        result->latent = std::move(encoded.latent);
      },
      [this, which, result, name] { setEndpoint(which, result->latent, result->thumbnail, name); },
      tr("Could not use %1 as an endpoint").arg(name));
}

void InterpolationPanel::chooseImage(int which) {
  QStringList patterns;
  for (const QByteArray& format : QImageReader::supportedImageFormats())
    patterns << "*." + QString::fromLatin1(format);
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Endpoint from an Image"),
      QStandardPaths::writableLocation(QStandardPaths::PicturesLocation),
      tr("Images (%1);;All files (*)").arg(patterns.join(' ')));
  if (!path.isEmpty()) setEndpointFromImage(which, path);
}

int InterpolationPanel::steps() const { return m_steps->value(); }
void InterpolationPanel::setSteps(int steps) { m_steps->setValue(steps); }
bool InterpolationPanel::spherical() const { return m_method->currentIndex() == 1; }
void InterpolationPanel::setSpherical(bool spherical) {
  m_method->setCurrentIndex(spherical ? 1 : 0);
}
double InterpolationPanel::framesPerSecond() const { return m_fps->value(); }
void InterpolationPanel::setFramesPerSecond(double fps) { m_fps->setValue(fps); }
int InterpolationPanel::exportScale() const { return m_scale->value(); }
void InterpolationPanel::setExportScale(int scale) { m_scale->setValue(scale); }

bool InterpolationPanel::isBusy() const {
  return m_stripJob->isRunning() || m_exportJob->isRunning() || m_renderTimer->isActive() ||
         m_endpoints[A].job || m_endpoints[B].job;
}

void InterpolationPanel::scheduleRender() { m_renderTimer->start(); }

void InterpolationPanel::renderStrip() {
  m_renderTimer->stop();
  if (!m_model.isValid()) return;
  if (!m_endpoints[A].latent || !m_endpoints[B].latent) {
    m_stripLatents.clear();
    m_strip->setFrames({});
    m_strip->setMessage(noEndpointsText());
    stopAnimationTimer();
    return;
  }
  if (m_stripJob->isRunning()) {  // render again with the newest settings once it is done
    m_renderAgain = true;
    return;
  }
  m_renderAgain = false;
  m_stripResult = std::make_shared<StripResult>();
  m_stripResult->generation = m_model.generation;
  const std::vector<Latent> keyframes{*m_endpoints[A].latent, *m_endpoints[B].latent};
  const int steps = this->steps();
  const bool spherical = this->spherical();
  std::shared_ptr<Model> model = m_model.model;
  m_stripJob->start([model, keyframes, steps, spherical, result = m_stripResult](BackgroundJob&) {
    result->latents = interpolateLatents(keyframes, steps, spherical);
    result->frames = decodeLatents(*model, result->latents);  // one batch decode
  });
  updateProgress();
}

void InterpolationPanel::onStripReady() {
  if (!m_stripResult || m_stripResult->generation != m_model.generation) return;
  m_stripLatents = std::move(m_stripResult->latents);
  m_strip->setFrames(std::move(m_stripResult->frames));
  m_stripResult.reset();
  if (isAnimating()) advanceAnimation();
}

void InterpolationPanel::onFrameClicked(int index) {
  if (index < 0 || index >= int(m_stripLatents.size())) return;
  stopAnimationTimer();  // the clicked frame, not where the animation was, is the edit
  m_strip->setCurrent(index);
  emit frameChosen(m_stripLatents[size_t(index)]);
}

bool InterpolationPanel::isAnimating() const { return m_animationTimer->isActive(); }

void InterpolationPanel::setAnimating(bool on) {
  if (on && m_stripLatents.empty()) on = false;
  const bool was = isAnimating();
  if (on && !was) {
    m_animationStep = 0;
    m_animationTimer->start(int(1000 / framesPerSecond()));
    advanceAnimation();
  } else if (!on && was) {
    stopAnimationTimer();
    // Where it stopped becomes one undoable edit.
    const int index = m_strip->current();
    if (index >= 0 && index < int(m_stripLatents.size()))
      emit frameChosen(m_stripLatents[size_t(index)]);
  }
  const QSignalBlocker block(m_animate);
  m_animate->setChecked(on);
}

void InterpolationPanel::stopAnimationTimer() {
  m_animationTimer->stop();
  const QSignalBlocker block(m_animate);
  m_animate->setChecked(false);
}

void InterpolationPanel::advanceAnimation() {
  const int n = int(m_stripLatents.size());
  if (n < 2) return;
  // Back and forth: 0, 1, ..., n-1, n-2, ..., 1, 0, 1, ...
  const int period = 2 * (n - 1);
  m_animationStep %= period;
  const int index = m_animationStep < n ? m_animationStep : period - m_animationStep;
  ++m_animationStep;
  m_strip->setCurrent(index);
  emit animationFrame(m_stripLatents[size_t(index)]);
}

void InterpolationPanel::chooseExport(StripFormat format) {
  if (m_stripLatents.empty()) {
    emit errorOccurred(tr("Nothing to export"), noEndpointsText());
    return;
  }
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
  QString path;
  switch (format) {
    case StripFormat::Png:
      path = QFileDialog::getSaveFileName(this, tr("Export Strip"), dir + "/interpolation.png",
                                          tr("PNG images (*.png)"));
      break;
    case StripFormat::Frames:
      path = QFileDialog::getExistingDirectory(this, tr("Export Frames to a Folder"), dir);
      break;
    case StripFormat::Gif:
      path = QFileDialog::getSaveFileName(this, tr("Export Animated GIF"),
                                          dir + "/interpolation.gif", tr("GIF images (*.gif)"));
      break;
    case StripFormat::Video:
      path = QFileDialog::getSaveFileName(this, tr("Export MP4 Video"), dir + "/interpolation.mp4",
                                          tr("MP4 videos (*.mp4)"));
      break;
  }
  if (!path.isEmpty()) exportStrip(format, path);
}

void InterpolationPanel::exportStrip(StripFormat format, const QString& path) {
  if (m_stripLatents.empty() || !m_model.isValid()) {
    emit errorOccurred(tr("Nothing to export"), noEndpointsText());
    return;
  }
  StripExportOptions options;
  options.format = format;
  options.path = path;
  options.scale = exportScale();
  options.fps = framesPerSecond();
  if (m_exportJob->isRunning()) {
    emit errorOccurred(tr("Could not export"), tr("An export is still running."));
    return;
  }
  m_exportPath = path;
  const std::vector<Latent> latents = m_stripLatents;
  std::shared_ptr<Model> model = m_model.model;
  m_exportJob->start([model, latents, options](BackgroundJob&) {
    latentlab::ui::exportStrip(*model, latents, options);
  });
  updateProgress();
}

void InterpolationPanel::cancelWork() {
  m_renderAgain = false;
  m_renderTimer->stop();
  m_stripJob->cancel();
  m_exportJob->cancel();
  for (EndpointSlot& slot : m_endpoints)
    if (slot.job) slot.job->cancel();
}

void InterpolationPanel::updateProgress() {
  const bool busy = m_stripJob->isRunning() || m_exportJob->isRunning() || m_endpoints[A].job ||
                    m_endpoints[B].job;
  m_progress->setVisible(busy);
  m_cancel->setVisible(busy);
  if (!busy) m_progress->setRange(0, 0);  // a busy indicator until a job reports a fraction
}

void InterpolationPanel::showProgress(double fraction, const QString& text) {
  m_progress->setRange(0, 1000);
  m_progress->setValue(int(fraction * 1000));
  if (!text.isEmpty()) emit statusMessage(text);
}

}  // namespace latentlab::ui
