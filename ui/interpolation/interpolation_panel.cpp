#include "ui/interpolation/interpolation_panel.h"

#include <QHBoxLayout>
#include <QTimer>

#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_batch.h"
#include "ui/interpolation/endpoint_column.h"
#include "ui/interpolation/interpolation_controls.h"
#include "ui/interpolation/strip_animator.h"
#include "ui/interpolation/strip_exporter.h"
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
      m_exporter(new StripExporter(this)),
      m_animator(new StripAnimator(this)),
      m_renderTimer(new QTimer(this)) {
  m_endpoints = {new EndpointColumn(QStringLiteral("A"), tr("A"), 0),
                 new EndpointColumn(QStringLiteral("B"), tr("B"), 1)};
  m_controls = new InterpolationControls;
  m_strip = new StripView;
  m_strip->setMessage(noEndpointsText());
  connect(m_strip, &StripView::frameClicked, this, &InterpolationPanel::onFrameClicked);

  auto* layout = new QHBoxLayout(this);
  for (EndpointColumn* endpoint : m_endpoints) layout->addWidget(endpoint);
  layout->addWidget(m_controls);
  layout->addWidget(m_strip, 1);

  connect(m_controls, &InterpolationControls::pathChanged, this,
          &InterpolationPanel::restartRender);
  connect(m_controls, &InterpolationControls::framesPerSecondChanged, m_animator,
          &StripAnimator::setFramesPerSecond);
  connect(m_controls, &InterpolationControls::renderRequested, this, [this] {
    // Render before both endpoints are set uses the seeds the columns show (0 and 1 at first);
    // setting them restarts the render timer, which then renders with both.
    bool filled = false;
    for (int which : {A, B})
      if (!endpoint(which) && m_model.isValid()) {
        column(which)->setFromShownSeed();
        filled = true;
      }
    if (!filled) renderStrip();
  });
  connect(m_controls, &InterpolationControls::animateToggled, this,
          &InterpolationPanel::setAnimating);
  connect(m_controls, &InterpolationControls::exportRequested, this,
          &InterpolationPanel::chooseExport);
  connect(m_controls, &InterpolationControls::cancelRequested, this,
          &InterpolationPanel::cancelWork);
  for (int which : {A, B}) {
    EndpointColumn* endpoint = column(which);
    connect(endpoint, &EndpointColumn::changed, this, &InterpolationPanel::restartRender);
    connect(endpoint, &EndpointColumn::currentRequested, this,
            [this, which] { setEndpointFromCurrent(which); });
    connect(endpoint, &EndpointColumn::busyChanged, this, &InterpolationPanel::updateProgress);
    connect(endpoint, &EndpointColumn::progress, this, &InterpolationPanel::showProgress);
    connect(endpoint, &EndpointColumn::errorOccurred, this, &InterpolationPanel::errorOccurred);
  }

  m_renderTimer->setSingleShot(true);
  m_renderTimer->setInterval(kRenderDelayMs);
  connect(m_renderTimer, &QTimer::timeout, this, &InterpolationPanel::renderStrip);
  connect(m_animator, &StripAnimator::tick, this, &InterpolationPanel::advanceAnimation);

  connect(m_stripJob, &BackgroundJob::succeeded, this, &InterpolationPanel::onStripReady);
  connect(m_stripJob, &BackgroundJob::failed, this, [this](const QString& message) {
    emit errorOccurred(tr("Could not render the strip"), message);
  });
  connect(m_exporter, &StripExporter::exported, this, [this](const QString& path) {
    emit statusMessage(tr("Exported %1").arg(path));
    emit exported(path);
  });
  connect(m_exporter, &StripExporter::errorOccurred, this, &InterpolationPanel::errorOccurred);
  for (BackgroundJob* job : {m_stripJob, m_exporter->job()}) {
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

void InterpolationPanel::setModel(const ModelSummary& model) {
  if (model.generation == m_model.generation) return;
  stopAnimationTimer();  // its latents belong to the old model: nothing to keep
  cancelWork();
  m_model = model;
  for (EndpointColumn* endpoint : m_endpoints) endpoint->setModel(model);
  m_stripLatents.clear();
  m_strip->setFrames({});
  m_strip->setMessage(noEndpointsText());
  setEnabled(model.isValid());
}

bool InterpolationPanel::setEndpoint(int which, Latent latent, QImage thumbnail, QString source) {
  if (which != A && which != B) return false;
  return column(which)->set(std::move(latent), thumbnail, source);
}

std::optional<InterpolationPanel::Latent> InterpolationPanel::endpoint(int which) const {
  return column(which)->latent();
}

EndpointView* InterpolationPanel::endpointView(int which) const { return column(which)->view(); }

void InterpolationPanel::clearEndpoint(int which) { column(which)->clear(); }

void InterpolationPanel::setEndpointFromCurrent(int which) {
  setEndpoint(which, m_currentLatent, {}, tr("current latent"));
}

void InterpolationPanel::setEndpointFromSeed(int which, quint64 seed) {
  column(which)->setFromSeed(seed);
}

void InterpolationPanel::setEndpointFromImage(int which, const QString& path) {
  if (which == A || which == B) column(which)->setFromImage(path);
}

void InterpolationPanel::restartRender() {
  m_renderTimer->start();
  emit settingsChanged();
}

int InterpolationPanel::steps() const { return m_controls->steps(); }
void InterpolationPanel::setSteps(int steps) { m_controls->setSteps(steps); }
bool InterpolationPanel::spherical() const { return m_controls->spherical(); }
void InterpolationPanel::setSpherical(bool spherical) { m_controls->setSpherical(spherical); }
double InterpolationPanel::framesPerSecond() const { return m_controls->framesPerSecond(); }
void InterpolationPanel::setFramesPerSecond(double fps) { m_controls->setFramesPerSecond(fps); }
int InterpolationPanel::exportScale() const { return m_controls->exportScale(); }
void InterpolationPanel::setExportScale(int scale) { m_controls->setExportScale(scale); }

bool InterpolationPanel::isBusy() const {
  return m_stripJob->isRunning() || m_exporter->isBusy() || m_renderTimer->isActive() ||
         column(A)->isBusy() || column(B)->isBusy();
}

void InterpolationPanel::renderStrip() {
  m_renderTimer->stop();
  if (!m_model.isValid()) return;
  if (!endpoint(A) || !endpoint(B)) {
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
  const std::vector<Latent> keyframes{*endpoint(A), *endpoint(B)};
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

bool InterpolationPanel::isAnimating() const { return m_animator->isRunning(); }

void InterpolationPanel::setAnimating(bool on) {
  if (on && m_stripLatents.empty()) on = false;
  const bool was = isAnimating();
  if (on && !was) {
    m_animator->start(framesPerSecond());
    advanceAnimation();
  } else if (!on && was) {
    stopAnimationTimer();
    // Where it stopped becomes one undoable edit.
    const int index = m_strip->current();
    if (index >= 0 && index < int(m_stripLatents.size()))
      emit frameChosen(m_stripLatents[size_t(index)]);
  }
  m_controls->setAnimating(on);
}

void InterpolationPanel::stopAnimationTimer() {
  m_animator->stop();
  m_controls->setAnimating(false);
}

void InterpolationPanel::advanceAnimation() {
  const int n = int(m_stripLatents.size());
  if (n < 2) return;
  const int index = m_animator->nextFrame(n);
  m_strip->setCurrent(index);
  emit animationFrame(m_stripLatents[size_t(index)]);
}

void InterpolationPanel::chooseExport(StripFormat format) {
  if (m_stripLatents.empty()) {
    emit errorOccurred(tr("Nothing to export"), noEndpointsText());
    return;
  }
  const QString path = StripExporter::choosePath(format, this);
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
  m_exporter->start(m_model.model, m_stripLatents, options);
  updateProgress();
}

void InterpolationPanel::cancelWork() {
  m_renderAgain = false;
  m_renderTimer->stop();
  m_stripJob->cancel();
  m_exporter->job()->cancel();
  for (EndpointColumn* endpoint : m_endpoints) endpoint->cancel();
}

void InterpolationPanel::updateProgress() {
  m_controls->setBusy(m_stripJob->isRunning() || m_exporter->isBusy() || column(A)->isBusy() ||
                      column(B)->isBusy());
}

void InterpolationPanel::showProgress(double fraction, const QString& text) {
  m_controls->setProgress(fraction);
  if (!text.isEmpty()) emit statusMessage(text);
}

}  // namespace latentlab::ui
