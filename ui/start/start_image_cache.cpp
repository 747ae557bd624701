#include "ui/start/start_image_cache.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace latentlab::ui {

QString startImagePath(const QString& checkpoint) {
  // The same file reached through a link (build/share/latentlab/models -> models/) is one key.
  const QFileInfo file(checkpoint);
  const QString canonical = file.canonicalFilePath();
  const QByteArray key =
      QCryptographicHash::hash((canonical.isEmpty() ? file.absoluteFilePath() : canonical).toUtf8(),
                               QCryptographicHash::Sha1);
  return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
         QStringLiteral("/start-images/") + QString::fromLatin1(key.toHex()) +
         QStringLiteral(".png");
}

QImage loadStartImage(const QString& checkpoint) {
  if (checkpoint.isEmpty()) return {};
  return QImage(startImagePath(checkpoint), "PNG");
}

bool saveStartImage(const QString& checkpoint, const QImage& image) {
  if (checkpoint.isEmpty() || image.isNull()) return false;
  const QString path = startImagePath(checkpoint);
  if (!QDir().mkpath(QFileInfo(path).absolutePath())) return false;
  QSaveFile file(path);
  return file.open(QIODevice::WriteOnly) && image.save(&file, "PNG") && file.commit();
}

}  // namespace latentlab::ui
