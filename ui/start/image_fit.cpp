#include "ui/start/image_fit.h"

namespace latentlab::ui {

QRect fitRect(const QSize& image, const QRect& area) {
  if (image.isEmpty() || area.isEmpty()) return {};
  QSize size = image.scaled(area.size(), Qt::KeepAspectRatio);
  const int factor = size.width() / image.width();
  if (factor >= 1) size = image * factor;
  QRect r(QPoint(0, 0), size);
  r.moveCenter(area.center());
  return r;
}

}  // namespace latentlab::ui
