#include "ui/widgets/image_view.h"

#include <QPaintEvent>
#include <QPainter>

#include "ui/start/image_fit.h"

namespace latentlab::ui {

namespace {

constexpr int kMargin = 12;   // free space around the image, in pixels
constexpr int kPairGap = 16;  // between the original and the reconstruction

}  // namespace

ImageView::ImageView(QWidget* parent) : QWidget(parent) {
  setAutoFillBackground(true);
  setBackgroundRole(QPalette::Dark);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImageView::setImage(const QImage& image) {
  m_image = image;
  m_message.clear();
  update();
}

void ImageView::setOriginal(const QImage& original) {
  m_original = original;
  update();
}

void ImageView::setSmoothScaling(bool smooth) {
  if (m_smooth == smooth) return;
  m_smooth = smooth;
  update();
  emit smoothScalingChanged(smooth);
}

void ImageView::setMessage(const QString& text) {
  m_message = text;
  update();
}

void ImageView::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  painter.fillRect(event->rect(), palette().color(QPalette::Dark));
  if (!m_message.isEmpty() || m_image.isNull()) {
    painter.setPen(palette().color(QPalette::BrightText));
    painter.drawText(rect().adjusted(kMargin, kMargin, -kMargin, -kMargin),
                     Qt::AlignCenter | Qt::TextWordWrap, m_message);
    return;
  }
  painter.setRenderHint(QPainter::SmoothPixmapTransform, m_smooth);
  painter.drawImage(imageRect(), m_image);
  if (!m_original.isNull())
    painter.drawImage(fitRect(m_original.size(), area(/*original=*/true)), m_original);
}

QRect ImageView::imageRect() const {
  if (!m_message.isEmpty() || m_image.isNull()) return {};
  return fitRect(m_image.size(), area(/*original=*/false));
}

QRect ImageView::area(bool original) const {
  const QRect all = rect().adjusted(kMargin, kMargin, -kMargin, -kMargin);
  if (m_original.isNull()) return all;
  // Two halves: original on the left, reconstruction on the right, at the same scale.
  const int half = (all.width() - kPairGap) / 2;
  return original ? QRect(all.left(), all.top(), half, all.height())
                  : QRect(all.right() - half + 1, all.top(), half, all.height());
}

}  // namespace latentlab::ui
