#include "ui/window/image_file_actions.h"

#include <QBuffer>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QMenu>
#include <QProgressDialog>
#include <QStandardPaths>
#include <memory>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_batch.h"
#include "ui/widgets/image_view.h"
#include "ui/window/latent_host.h"

namespace latentlab::ui {

namespace {
constexpr int kProgressSteps = 1000;
}  // namespace

ImageFileActions::ImageFileActions(LatentHost& host, const ImageView& view, QWidget* window)
    : QObject(window),
      m_host(host),
      m_view(view),
      m_window(window),
      m_job(new BackgroundJob(this)) {}

void ImageFileActions::addActions(QMenu* file) {
  QAction* open = file->addAction(tr("Open &Image…"), this, &ImageFileActions::chooseImage);
  open->setShortcut(QKeySequence(tr("Ctrl+I")));
  open->setStatusTip(tr("Encode an image into the latent and show it beside its reconstruction"));
  QMenu* exportMenu = file->addMenu(tr("&Export Image"));
  for (int scale : {1, 2, 4, 8}) {
    QAction* action = exportMenu->addAction(tr("At &%1× Size…").arg(scale), this,
                                            [this, scale] { chooseExport(scale); });
    action->setStatusTip(tr("Save the image as PNG, each pixel enlarged to %1×%1").arg(scale));
    if (scale == 4) action->setShortcut(QKeySequence(tr("Ctrl+E")));
  }
}

void ImageFileActions::chooseImage() {
  QStringList patterns;
  for (const QByteArray& format : QImageReader::supportedImageFormats())
    patterns << QStringLiteral("*.") + QString::fromLatin1(format);
  const QString path = QFileDialog::getOpenFileName(
      m_window, tr("Open Image"),
      QStandardPaths::writableLocation(QStandardPaths::PicturesLocation),
      tr("Images (%1);;All files (*)").arg(patterns.join(' ')));
  if (!path.isEmpty()) openImage(path);
}

bool ImageFileActions::isBusy() const { return m_job->isRunning(); }

void ImageFileActions::openImage(const QString& path) {
  const ModelSummary& model = m_host.model();
  const QString name = QFileInfo(path).fileName();
  if (!model.isValid()) {
    m_host.showMessage(tr("Could not open image"),
                       tr("Open a model first: %1 is encoded by it.").arg(name));
    return;
  }
  if (m_job->isRunning()) {
    m_host.showMessage(tr("Could not open image"), tr("Another image is still being encoded."));
    return;
  }
  auto result = std::make_shared<EncodedImage>();
  const quint64 generation = model.generation;
  // One connection set per run: the context object goes when the run ends.
  auto* run = new QObject(this);
  connect(m_job, &BackgroundJob::succeeded, run, [this, result, generation, name] {
    if (m_host.model().generation != generation) return;  // the model changed meanwhile
    m_host.loadLatent(result->latent, tr("Open image %1").arg(name), result->original);
    m_host.showStatus(tr("Encoded %1").arg(name), LatentHost::kStatusMs);
  });
  connect(m_job, &BackgroundJob::failed, run, [this, name](const QString& message) {
    m_host.showMessage(tr("Could not open image %1").arg(name), message);
  });
  if (!model.canEncode) {
    m_progress = new QProgressDialog(tr("Projecting %1 into the latent space…").arg(name),
                                     tr("Cancel"), 0, kProgressSteps, m_window);
    m_progress->setWindowModality(Qt::WindowModal);
    m_progress->setMinimumDuration(500);
    connect(m_progress, &QProgressDialog::canceled, m_job, &BackgroundJob::cancel);
    connect(m_job, &BackgroundJob::progress, m_progress, [progress = m_progress](double fraction) {
      progress->setValue(int(fraction * kProgressSteps));
    });
  }
  auto finished = [this, run] {
    run->deleteLater();
    if (m_progress) m_progress->deleteLater();
    m_progress = nullptr;
  };
  for (auto outcome : {&BackgroundJob::succeeded, &BackgroundJob::cancelled})
    connect(m_job, outcome, run, finished);
  connect(m_job, &BackgroundJob::failed, run, finished);
  std::shared_ptr<Model> shared = model.model;
  m_job->start([shared, path, result](BackgroundJob& job) {
    *result = encodeImageFile(*shared, path, job);
  });
  m_host.showStatus(tr("Encoding %1…").arg(name), 0);
}

void ImageFileActions::chooseExport(int scale) {
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
  const QString path = QFileDialog::getSaveFileName(m_window, tr("Export Image at %1×").arg(scale),
                                                    dir + QStringLiteral("/latentlab.png"),
                                                    tr("PNG images (*.png)"));
  if (!path.isEmpty()) exportImage(path, scale);
}

bool ImageFileActions::exportImage(const QString& path, int scale) {
  const QImage image = m_view.image();
  if (image.isNull()) {
    m_host.showMessage(tr("Could not export the image"),
                       tr("There is no image yet: open a model first."));
    return false;
  }
  if (scale < 1 || scale > kMaxExportScale) {
    m_host.showMessage(tr("Could not export the image"),
                       tr("The scale must be 1 to %1, not %2.").arg(kMaxExportScale).arg(scale));
    return false;
  }
  // Nearest neighbour: every model pixel becomes a scale x scale block of the same colour.
  const QImage enlarged =
      image.scaled(image.size() * scale, Qt::IgnoreAspectRatio, Qt::FastTransformation);
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  try {
    if (!enlarged.save(&buffer, "PNG")) throw ImageError("cannot encode the image as PNG");
    write_file_atomically(path.toStdString(),
                          std::string_view(bytes.constData(), size_t(bytes.size())));
  } catch (const Error& e) {
    m_host.showMessage(tr("Could not export the image"), QString::fromStdString(e.what()));
    return false;
  }
  m_host.showStatus(tr("Exported %1").arg(path), LatentHost::kStatusMs);
  return true;
}

}  // namespace latentlab::ui
