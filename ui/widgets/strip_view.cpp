#include "ui/widgets/strip_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

#include "ui/start/image_fit.h"

namespace latentlab::ui {

namespace {
constexpr int kFrameGap = 3;  // between frames, and room for the current frame's outline
}

StripView::StripView(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  setToolTip(tr("Click a frame to load its latent into the main view"));
}

void StripView::setFrames(std::vector<QImage> frames) {
  m_frames = std::move(frames);
  m_current = -1;
  m_message.clear();
  update();
}

void StripView::setCurrent(int index) {
  m_current = index >= 0 && index < count() ? index : -1;
  update();
}

void StripView::setMessage(const QString& text) {
  m_message = text;
  update();
}

int StripView::columns() const {
  if (m_frames.empty()) return 1;
  const QSize frame = m_frames.front().size();
  const int n = count();
  // Try every column count and keep the one whose frames come out largest.
  int best = n;
  double bestScale = 0;
  for (int c = 1; c <= n; ++c) {
    const int rows = (n + c - 1) / c;
    const double scale =
        std::min(double(width() - kFrameGap) / c / (frame.width() + kFrameGap),
                 double(height() - kFrameGap) / rows / (frame.height() + kFrameGap));
    if (scale > bestScale) {
      bestScale = scale;
      best = c;
    }
  }
  return best;
}

QRect StripView::cellRect(int index) const {
  const int c = columns();
  const int rows = (count() + c - 1) / c;
  const int cellWidth = (width() - kFrameGap) / c;
  const int cellHeight = (height() - kFrameGap) / std::max(rows, 1);
  return {kFrameGap + (index % c) * cellWidth, kFrameGap + (index / c) * cellHeight,
          cellWidth - kFrameGap, cellHeight - kFrameGap};
}

QRect StripView::frameRect(int index) const {
  if (index < 0 || index >= count() || !m_message.isEmpty()) return {};
  return fitRect(m_frames[size_t(index)].size(), cellRect(index));
}

void StripView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().color(QPalette::Dark));
  if (!m_message.isEmpty() || m_frames.empty()) {
    painter.setPen(palette().color(QPalette::BrightText));
    painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    return;
  }
  for (int i = 0; i < count(); ++i) painter.drawImage(frameRect(i), m_frames[size_t(i)]);
  if (m_current >= 0) {
    painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
    painter.drawRect(frameRect(m_current).adjusted(-2, -2, 1, 1));
  }
}

void StripView::mousePressEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  for (int i = 0; i < count(); ++i)
    if (frameRect(i).contains(event->position().toPoint())) {
      setCurrent(i);
      emit frameClicked(i);
      return;
    }
}

}  // namespace latentlab::ui
