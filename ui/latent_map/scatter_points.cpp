#include "ui/latent_map/scatter_points.h"

#include <algorithm>

namespace latentlab::ui {

void ScatterPoints::set(std::vector<double> x, std::vector<double> y) {
  m_x = std::move(x);
  m_y = std::move(y);
  m_y.resize(m_x.size());
}

QRectF ScatterPoints::bounds() const {
  if (m_x.empty()) return {};
  const auto [xmin, xmax] = std::minmax_element(m_x.begin(), m_x.end());
  const auto [ymin, ymax] = std::minmax_element(m_y.begin(), m_y.end());
  return QRectF(QPointF(*xmin, *ymin), QPointF(*xmax, *ymax));
}

int ScatterPoints::nearest(QPoint pixel, int radius, const PixelTransform& t) const {
  // A linear scan: 70,000 multiply-adds take well under a millisecond, less than a spatial index
  // would cost to rebuild on every zoom.
  double best = double(radius) * radius + 1e-9;
  int found = -1;
  for (size_t i = 0; i < m_x.size(); ++i) {
    const double dx = t.ax * m_x[i] + t.bx - pixel.x(), dy = t.ay * m_y[i] + t.by - pixel.y();
    const double d = dx * dx + dy * dy;
    if (d < best) best = d, found = int(i);
  }
  return found;
}

std::vector<int> ScatterPoints::inside(const QRect& pixels, const PixelTransform& t) const {
  const QRectF r = QRectF(pixels).normalized();
  std::vector<int> out;
  for (size_t i = 0; i < m_x.size(); ++i)
    if (r.contains(t.ax * m_x[i] + t.bx, t.ay * m_y[i] + t.by)) out.push_back(int(i));
  return out;
}

}  // namespace latentlab::ui
