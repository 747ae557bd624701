#include "ui/latent_map/point_raster.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace latentlab::ui {

namespace {

constexpr int kBlock = 2;           // pixels per point side: one pixel is too faint to see
constexpr double kLoneAlpha = 110;  // opacity of a pixel holding one point
constexpr int kFullCount = 64;      // points on a pixel at which it is fully opaque

}  // namespace

PointRaster::PointRaster(QCustomPlot* plot, QCPLayer* layer) : QCPLayerable(plot) {
  setLayer(layer);
}

void PointRaster::setPoints(std::vector<float> x, std::vector<float> y, std::vector<int> group,
                            QVector<QColor> colours) {
  m_x = std::move(x);
  m_y = std::move(y);
  m_group = std::move(group);
  m_colours = std::move(colours);
}

void PointRaster::clear() { setPoints({}, {}, {}, {}); }

QRect PointRaster::clipRect() const { return mParentPlot->axisRect()->rect(); }

void PointRaster::draw(QCPPainter* painter) {
  if (m_x.empty()) return;
  const QRect area = clipRect();
  if (area.isEmpty()) return;
  painter->drawImage(area.topLeft(), render(area));
}

QImage PointRaster::render(const QRect& area) const {
  const QCPAxis* xAxis = mParentPlot->xAxis;
  const QCPAxis* yAxis = mParentPlot->yAxis;
  // The axes are linear: pixel = a * coordinate + b, relative to the area's corner; + 0.5 makes
  // truncation round to the nearest pixel, where hit tests place the point.
  const float bx = float(xAxis->coordToPixel(0.0) - area.left()) + 0.5f;
  const float ax = float(xAxis->coordToPixel(1.0) - area.left()) + 0.5f - bx;
  const float by = float(yAxis->coordToPixel(0.0) - area.top()) + 0.5f;
  const float ay = float(yAxis->coordToPixel(1.0) - area.top()) + 0.5f - by;
  const int w = area.width(), h = area.height();
  struct Pixel {
    uint32_t count = 0, red = 0, green = 0, blue = 0;  // how many points, their colours' sum
  };
  std::vector<Pixel> pixels(size_t(w) * size_t(h));
  std::vector<Pixel> colours;  // per group, count unused
  for (const QColor& c : m_colours)
    colours.push_back({0, uint32_t(c.red()), uint32_t(c.green()), uint32_t(c.blue())});
  const int groups = int(colours.size());
  // One pixel per point here (random access, the costly part, once per point); the blocks are
  // made below, in the sequential pass.
  for (size_t i = 0; i < m_x.size(); ++i) {
    const int g = m_group[i];
    const float px = ax * m_x[i] + bx, py = ay * m_y[i] + by;
    if (g < 0 || g >= groups || !(px >= 0.0f && px < float(w)) || !(py >= 0.0f && py < float(h)))
      continue;
    Pixel& p = pixels[size_t(int(py)) * size_t(w) + size_t(int(px))];
    const Pixel& c = colours[size_t(g)];
    ++p.count;
    p.red += c.red;
    p.green += c.green;
    p.blue += c.blue;
  }
  // Opacity by count: kLoneAlpha for one point, rising with log(count) to opaque at kFullCount.
  std::array<float, size_t(kFullCount) + 1> alphaOf{};
  for (size_t n = 1; n < alphaOf.size(); ++n)
    alphaOf[n] = float(kLoneAlpha +
                       (255.0 - kLoneAlpha) * std::log(double(n)) / std::log(double(kFullCount)));
  QImage image(w, h, QImage::Format_ARGB32_Premultiplied);
  for (int y = 0; y < h; ++y) {
    auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
    for (int x = 0; x < w; ++x) {
      // A point lights the kBlock x kBlock pixels ending on its own: gather them.
      Pixel p;
      for (int dy = 0; dy < kBlock && y + dy < h; ++dy) {
        const Pixel* from = pixels.data() + size_t(y + dy) * size_t(w);
        for (int dx = 0; dx < kBlock && x + dx < w; ++dx) {
          p.count += from[x + dx].count;
          p.red += from[x + dx].red;
          p.green += from[x + dx].green;
          p.blue += from[x + dx].blue;
        }
      }
      if (p.count == 0) {
        row[x] = 0;
        continue;
      }
      const float alpha = alphaOf[std::min<size_t>(p.count, alphaOf.size() - 1)];
      const float k = alpha / (255.0f * float(p.count));  // the mean colour, premultiplied
      row[x] = qRgba(int(float(p.red) * k + 0.5f), int(float(p.green) * k + 0.5f),
                     int(float(p.blue) * k + 0.5f), int(alpha + 0.5f));
    }
  }
  return image;
}

}  // namespace latentlab::ui
