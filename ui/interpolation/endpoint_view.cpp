#include "ui/interpolation/endpoint_view.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QPainter>

#include "ui/start/image_fit.h"
#include "ui/window/dropped_file.h"

namespace latentlab::ui {

namespace {
constexpr int kPadding = 4;
}

EndpointView::EndpointView(const QString& title, QWidget* parent) : QFrame(parent), m_title(title) {
  setFrameShape(QFrame::StyledPanel);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setAcceptDrops(true);
  setToolTip(
      tr("Endpoint %1. Drop an image file here to encode it, or a latent file (.json, .npy).")
          .arg(title));
}

void EndpointView::setThumbnail(const QImage& image, const QString& caption) {
  m_thumbnail = image;
  m_caption = caption;
  update();
}

void EndpointView::setBusyText(const QString& text) {
  m_busy = text;
  update();
}

void EndpointView::paintEvent(QPaintEvent* event) {
  QFrame::paintEvent(event);
  QPainter painter(this);
  const QRect inside = contentsRect().adjusted(kPadding, kPadding, -kPadding, -kPadding);
  const int lineHeight = fontMetrics().height();
  const QRect titleRect(inside.left(), inside.top(), inside.width(), lineHeight);
  const QRect captionRect(inside.left(), inside.bottom() - lineHeight + 1, inside.width(),
                          lineHeight);
  const QRect imageArea = inside.adjusted(0, lineHeight + kPadding, 0, -lineHeight - kPadding);

  painter.setPen(palette().color(QPalette::WindowText));
  painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, m_title);
  painter.drawText(captionRect, Qt::AlignCenter,
                   fontMetrics().elidedText(m_caption, Qt::ElideMiddle, captionRect.width()));
  painter.fillRect(imageArea, palette().color(QPalette::Dark));
  if (!m_thumbnail.isNull()) painter.drawImage(fitRect(m_thumbnail.size(), imageArea), m_thumbnail);
  const QString overlay = !m_busy.isEmpty()      ? m_busy
                          : m_thumbnail.isNull() ? tr("Drop an image here")
                                                 : QString();
  if (!overlay.isEmpty()) {
    painter.setPen(palette().color(QPalette::BrightText));
    painter.drawText(imageArea, Qt::AlignCenter | Qt::TextWordWrap, overlay);
  }
}

void EndpointView::dragEnterEvent(QDragEnterEvent* event) {
  if (!droppedLocalFile(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void EndpointView::dropEvent(QDropEvent* event) {
  const QString path = droppedLocalFile(event->mimeData());
  if (path.isEmpty()) return;
  event->acceptProposedAction();
  emit fileDropped(path);
}

}  // namespace latentlab::ui
