#pragma once
// The scatter's own copy of its points, by data set index, and the hit tests over them (hover,
// click, rectangle). QCustomPlot keeps its data sorted by x, so its indices are not the data
// set's; these are.
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <vector>

namespace latentlab::ui {

class ScatterPoints {
 public:
  // Pixel = a * coordinate + b on each axis (the map's axes are linear).
  struct PixelTransform {
    double ax = 1, bx = 0, ay = 1, by = 0;
  };

  void set(std::vector<double> x, std::vector<double> y);
  int size() const { return int(m_x.size()); }
  bool empty() const { return m_x.empty(); }
  QPointF at(int index) const { return {m_x.at(size_t(index)), m_y.at(size_t(index))}; }
  // The smallest rectangle holding every point (empty: a null rectangle).
  QRectF bounds() const;

  // The point nearest to pixel within radius pixels, or -1.
  int nearest(QPoint pixel, int radius, const PixelTransform& t) const;
  // The points whose pixels lie in the rectangle, in index order.
  std::vector<int> inside(const QRect& pixels, const PixelTransform& t) const;

 private:
  std::vector<double> m_x, m_y;
};

}  // namespace latentlab::ui
