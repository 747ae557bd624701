#include "ui/window/dropped_file.h"

#include <QFileInfo>
#include <QImageReader>
#include <QMimeData>
#include <QUrl>

#include "core/io/session.h"

namespace latentlab::ui {

QString droppedLocalFile(const QMimeData* mime) {
  if (!mime || !mime->hasUrls() || mime->urls().size() != 1) return {};
  const QUrl url = mime->urls().first();
  return url.isLocalFile() ? url.toLocalFile() : QString();
}

DroppedKind droppedFileKind(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == QLatin1String("npy")) return DroppedKind::Latent;
  if (suffix == QLatin1String("json"))
    return is_session_file(path.toStdString()) ? DroppedKind::Session : DroppedKind::Latent;
  if (QImageReader::supportedImageFormats().contains(suffix.toLatin1())) return DroppedKind::Image;
  return DroppedKind::Model;
}

}  // namespace latentlab::ui
