#include "ui/window/dropped_file.h"

#include <QMimeData>
#include <QUrl>

namespace latentlab::ui {

QString droppedLocalFile(const QMimeData* mime) {
  if (!mime || !mime->hasUrls() || mime->urls().size() != 1) return {};
  const QUrl url = mime->urls().first();
  return url.isLocalFile() ? url.toLocalFile() : QString();
}

}  // namespace latentlab::ui
