#include "core/faces/face_painter.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace latentlab::face_drawing {
namespace {
constexpr int kShift = 4;  // fixed-point bits: OpenCV draws with sub-pixel positions
constexpr double kFixedOne = 1 << kShift;
}  // namespace

Points ellipse_arc(double cx, double cy, double ax, double ay, double from_deg, double to_deg,
                   int steps) {
  Points p;
  p.reserve(size_t(steps) + 1);
  for (int i = 0; i <= steps; ++i) {
    const double t = (from_deg + (to_deg - from_deg) * i / steps) * kPi / 180.0;
    p.emplace_back(cx + ax * std::cos(t), cy + ay * std::sin(t));
  }
  return p;
}

Points superellipse(double cx, double cy, double ax, double ay, double power, int steps) {
  Points p;
  for (int i = 0; i < steps; ++i) {
    const double t = 2.0 * kPi * i / steps;
    const double c = std::cos(t), s = std::sin(t);
    p.emplace_back(cx + ax * std::copysign(std::pow(std::abs(c), 2.0 / power), c),
                   cy + ay * std::copysign(std::pow(std::abs(s), 2.0 / power), s));
  }
  return p;
}

Points quad_curve(cv::Point2d a, cv::Point2d control, cv::Point2d b, int steps) {
  Points p;
  for (int i = 0; i <= steps; ++i) {
    const double t = double(i) / steps, u = 1.0 - t;
    p.push_back(a * (u * u) + control * (2.0 * u * t) + b * (t * t));
  }
  return p;
}

void append(Points& to, const Points& from) { to.insert(to.end(), from.begin(), from.end()); }

Points reversed(Points p) {
  std::reverse(p.begin(), p.end());
  return p;
}

Painter::Painter(cv::Mat& canvas, const FaceParameters& f)
    : canvas_(canvas),
      side_(canvas.cols),
      cx_(f.center_x),
      cy_(f.center_y),
      cos_(f.head_scale * std::cos(f.tilt_degrees * kPi / 180.0)),
      sin_(f.head_scale * std::sin(f.tilt_degrees * kPi / 180.0)) {}

std::vector<cv::Point> Painter::head(const Points& points) const {
  std::vector<cv::Point> out;
  out.reserve(points.size());
  for (const auto& p : points) {
    const double x = cx_ + cos_ * p.x - sin_ * p.y, y = cy_ + sin_ * p.x + cos_ * p.y;
    out.emplace_back(fixed(x), fixed(y));
  }
  return out;
}

std::vector<cv::Point> Painter::body(const Points& points) const {
  std::vector<cv::Point> out;
  out.reserve(points.size());
  for (const auto& p : points) out.emplace_back(fixed(p.x), fixed(p.y));
  return out;
}

void Painter::fill(const std::vector<cv::Point>& polygon, const Rgb& colour) {
  const cv::Point* pts = polygon.data();
  const int n = int(polygon.size());
  cv::fillPoly(canvas_, &pts, &n, 1, scalar(colour), cv::LINE_AA, kShift);
}

void Painter::fill(const std::vector<std::vector<cv::Point>>& polygons, const Rgb& colour) {
  cv::fillPoly(canvas_, polygons, scalar(colour), cv::LINE_AA, kShift);
}

void Painter::stroke(const Points& line, const Rgb& colour, double thickness, bool closed,
                     bool tapered) {
  const size_t n = line.size();
  if (n < 2) return;
  Points left, right;
  left.reserve(n);
  right.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const cv::Point2d& before = closed ? line[(i + n - 1) % n] : line[i == 0 ? 0 : i - 1];
    const cv::Point2d& after = closed ? line[(i + 1) % n] : line[i + 1 == n ? i : i + 1];
    cv::Point2d tangent = after - before;
    const double length = std::hypot(tangent.x, tangent.y);
    if (length > 0.0) tangent *= 1.0 / length;
    const double profile = tapered ? 0.4 + 0.6 * std::sin(kPi * double(i) / double(n - 1)) : 1.0;
    const cv::Point2d normal(-tangent.y * thickness * 0.5 * profile,
                             tangent.x * thickness * 0.5 * profile);
    left.push_back(line[i] + normal);
    right.push_back(line[i] - normal);
  }
  if (closed) {
    fill({head(left), head(right)}, colour);
  } else {
    append(left, reversed(right));
    fill(head(left), colour);
  }
}

int Painter::fixed(double fraction) const { return int(std::lround(fraction * side_ * kFixedOne)); }

cv::Scalar Painter::scalar(const Rgb& c) { return cv::Scalar(c[0], c[1], c[2]); }

}  // namespace latentlab::face_drawing
