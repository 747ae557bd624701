#include "ui/interpolation/endpoint_column.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QImageReader>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <limits>
#include <memory>

#include "core/common/error.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_batch.h"
#include "ui/interpolation/endpoint_view.h"
#include "ui/window/dropped_file.h"

namespace latentlab::ui {

EndpointColumn::EndpointColumn(const QString& name, const QString& title, int seed, QWidget* parent)
    : QWidget(parent) {
  m_view = new EndpointView(title);
  connect(m_view, &EndpointView::fileDropped, this, &EndpointColumn::setFromFile);

  // Object names ("currentA", "seedB", ...) let tests and scripts find the buttons.
  auto* current = new QToolButton;
  current->setObjectName("current" + name);
  current->setText(tr("Current"));
  current->setToolTip(tr("Set %1 to the latent shown in the main view").arg(title));
  connect(current, &QToolButton::clicked, this, &EndpointColumn::currentRequested);
  auto* image = new QToolButton;
  image->setObjectName("image" + name);
  image->setText(tr("Image…"));
  image->setToolTip(
      tr("Set %1 to the latent of an image file (a VAE encodes it; a GAN projects it)").arg(title));
  connect(image, &QToolButton::clicked, this, &EndpointColumn::chooseImage);
  m_seed = new QSpinBox;
  m_seed->setObjectName("seedValue" + name);
  m_seed->setRange(0, std::numeric_limits<int>::max());
  m_seed->setValue(seed);
  m_seed->setToolTip(tr("Seed of a latent drawn from the prior (the CLI's seed:N)"));
  auto* fromSeed = new QToolButton;
  fromSeed->setObjectName("seed" + name);
  fromSeed->setText(tr("Seed"));
  fromSeed->setToolTip(tr("Set %1 to the prior sample of this seed").arg(title));
  connect(fromSeed, &QToolButton::clicked, this, [this] { setFromSeed(quint64(m_seed->value())); });

  // The buttons beside the thumbnail: the dock is wide and low, and the thumbnail gets its height.
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setVerticalSpacing(2);
  grid->addWidget(m_view, 0, 0, 5, 1);
  grid->addWidget(current, 0, 1);
  grid->addWidget(image, 1, 1);
  grid->addWidget(m_seed, 2, 1);
  grid->addWidget(fromSeed, 3, 1);
  grid->setRowStretch(4, 1);
  for (QToolButton* button : {current, image, fromSeed})
    button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void EndpointColumn::setModel(const ModelSummary& model) {
  cancel();  // its result belongs to the old model: dropped when it ends
  m_model = model;
  m_latent.reset();
  m_view->setThumbnail({}, {});
  m_view->setBusyText({});
}

void EndpointColumn::cancel() {
  if (m_job) m_job->cancel();
}

bool EndpointColumn::set(Latent latent, const QImage& thumbnail, const QString& source) {
  if (!m_model.isValid() || int(latent.size()) != m_model.latentDim) return false;
  cancel();  // an older request for this endpoint must not land later
  m_job = nullptr;
  m_latent = std::move(latent);
  m_view->setBusyText({});
  if (thumbnail.isNull())
    decodeThumbnail(source);
  else
    m_view->setThumbnail(thumbnail, source);
  emit changed();
  return true;
}

void EndpointColumn::clear() {
  cancel();
  m_job = nullptr;
  m_latent.reset();
  m_view->setThumbnail({}, {});
  m_view->setBusyText({});
  emit changed();
}

void EndpointColumn::setFromSeed(quint64 seed) {
  if (!m_model.isValid()) return;
  // A handful of normal draws: cheap enough for the UI thread.
  set(latentFromSeed(seed, m_model.latentDim), {}, tr("seed %1").arg(seed));
}

void EndpointColumn::setFromShownSeed() { setFromSeed(quint64(m_seed->value())); }

void EndpointColumn::startJob(std::function<void(BackgroundJob&)> work, std::function<void()> apply,
                              const QString& failureTitle) {
  cancel();
  auto* job = new BackgroundJob(this);
  m_job = job;
  const quint64 generation = m_model.generation;
  auto isCurrent = [this, job, generation] {
    return m_job == job && m_model.generation == generation;
  };
  connect(job, &BackgroundJob::succeeded, this, [this, isCurrent, apply] {
    if (!isCurrent()) return;
    m_job = nullptr;
    apply();
  });
  connect(job, &BackgroundJob::failed, this,
          [this, isCurrent, failureTitle](const QString& message) {
            if (isCurrent()) emit errorOccurred(failureTitle, message);
          });
  connect(job, &BackgroundJob::progress, this, &EndpointColumn::progress);
  auto finished = [this, job] {
    if (m_job == job) {
      m_job = nullptr;
      m_view->setBusyText({});
    }
    job->deleteLater();
    emit busyChanged();
  };
  for (auto outcome : {&BackgroundJob::succeeded, &BackgroundJob::cancelled})
    connect(job, outcome, this, finished);
  connect(job, &BackgroundJob::failed, this, finished);
  job->start(std::move(work));
  emit busyChanged();
}

void EndpointColumn::decodeThumbnail(const QString& source) {
  auto thumbnail = std::make_shared<QImage>();
  std::shared_ptr<Model> model = m_model.model;
  const Latent latent = *m_latent;
  startJob([model, latent,
            thumbnail](BackgroundJob&) { *thumbnail = decodeLatents(*model, {latent}).front(); },
           [this, thumbnail, source] { m_view->setThumbnail(*thumbnail, source); },
           tr("Could not decode the endpoint"));
}

void EndpointColumn::setFromImage(const QString& path) {
  if (!m_model.isValid()) return;
  struct Result {
    Latent latent;
    QImage thumbnail;
  };
  auto result = std::make_shared<Result>();
  std::shared_ptr<Model> model = m_model.model;
  const QString name = QFileInfo(path).fileName();
  m_view->setBusyText(m_model.canEncode ? tr("Encoding…") : tr("Projecting…"));
  startJob(
      [model, path, result](BackgroundJob& job) {
        EncodedImage encoded = encodeImageFile(*model, path, job);
        // The thumbnail is the decoded latent, like the strip's frames: where the path starts.
        result->thumbnail = decodeLatents(*model, {encoded.latent}).front();
        result->latent = std::move(encoded.latent);
      },
      [this, result, name] { set(result->latent, result->thumbnail, name); },
      tr("Could not use %1 as an endpoint").arg(name));
}

void EndpointColumn::setFromLatentFile(const QString& path) {
  if (!m_model.isValid()) return;
  const QString name = QFileInfo(path).fileName();
  try {
    // Latent files are small: read on the UI thread.
    set(readLatentFile(path, m_model.latentDim).front(), {}, name);
  } catch (const Error& e) {
    emit errorOccurred(tr("Could not use %1 as an endpoint").arg(name),
                       QString::fromStdString(e.what()));
  }
}

void EndpointColumn::setFromFile(const QString& path) {
  if (droppedFileKind(path) == DroppedKind::Latent)
    setFromLatentFile(path);
  else
    setFromImage(path);
}

void EndpointColumn::chooseImage() {
  QStringList patterns;
  for (const QByteArray& format : QImageReader::supportedImageFormats())
    patterns << "*." + QString::fromLatin1(format);
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Endpoint from an Image"),
      QStandardPaths::writableLocation(QStandardPaths::PicturesLocation),
      tr("Images (%1);;All files (*)").arg(patterns.join(' ')));
  if (!path.isEmpty()) setFromImage(path);
}

}  // namespace latentlab::ui
