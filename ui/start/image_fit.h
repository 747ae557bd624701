#pragma once
// Where a small model image is drawn inside a larger area, shared by the main view and the
// interpolation thumbnails and strip.
#include <QRect>
#include <QSize>

namespace latentlab::ui {

// The largest rectangle of the image's aspect ratio inside `area`, centred. Whole multiples of
// the image size when it fits at least once, so nearest-neighbour pixels all have one size.
QRect fitRect(const QSize& image, const QRect& area);

}  // namespace latentlab::ui
