#include "ui/interpolation/strip_exporter.h"

#include <QFileDialog>
#include <QStandardPaths>

#include "ui/analysis/background_job.h"

namespace latentlab::ui {

StripExporter::StripExporter(QObject* parent) : QObject(parent), m_job(new BackgroundJob(this)) {
  connect(m_job, &BackgroundJob::succeeded, this, [this] { emit exported(m_path); });
  connect(m_job, &BackgroundJob::failed, this,
          [this](const QString& message) { emit errorOccurred(tr("Could not export"), message); });
}

QString StripExporter::choosePath(StripFormat format, QWidget* parent) {
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
  switch (format) {
    case StripFormat::Png:
      return QFileDialog::getSaveFileName(parent, tr("Export Strip"), dir + "/interpolation.png",
                                          tr("PNG images (*.png)"));
    case StripFormat::Frames:
      return QFileDialog::getExistingDirectory(parent, tr("Export Frames to a Folder"), dir);
    case StripFormat::Gif:
      return QFileDialog::getSaveFileName(parent, tr("Export Animated GIF"),
                                          dir + "/interpolation.gif", tr("GIF images (*.gif)"));
    case StripFormat::Video:
      return QFileDialog::getSaveFileName(parent, tr("Export MP4 Video"),
                                          dir + "/interpolation.mp4", tr("MP4 videos (*.mp4)"));
  }
  return {};
}

void StripExporter::start(std::shared_ptr<Model> model, std::vector<std::vector<float>> latents,
                          const StripExportOptions& options) {
  if (m_job->isRunning()) {
    emit errorOccurred(tr("Could not export"), tr("An export is still running."));
    return;
  }
  m_path = options.path;
  m_job->start([model, latents = std::move(latents), options](BackgroundJob&) {
    exportStrip(*model, latents, options);
  });
}

bool StripExporter::isBusy() const { return m_job->isRunning(); }

}  // namespace latentlab::ui
