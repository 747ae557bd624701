#pragma once
// Drawing primitives of the face renderer: outlines built in head coordinates (image fractions
// relative to the head centre, before the tilt) and a Painter that turns them into pixels of the
// supersampled canvas and draws them anti-aliased. Internal to core/faces (OpenCV types).
#include <opencv2/core.hpp>
#include <vector>

#include "core/faces/face_renderer.h"

namespace latentlab::face_drawing {

constexpr double kPi = 3.14159265358979323846;

using Points = std::vector<cv::Point2d>;

Points ellipse_arc(double cx, double cy, double ax, double ay, double from_deg, double to_deg,
                   int steps = 48);
// |x/ax|^p + |y/ay|^p = 1: p = 2 is an ellipse, larger p a rounded rectangle.
Points superellipse(double cx, double cy, double ax, double ay, double power, int steps = 64);
Points quad_curve(cv::Point2d a, cv::Point2d control, cv::Point2d b, int steps = 16);
void append(Points& to, const Points& from);
Points reversed(Points p);

class Painter {
 public:
  Painter(cv::Mat& canvas, const FaceParameters& f);

  // Head coordinates -> canvas pixels (scaled and tilted about the head centre).
  std::vector<cv::Point> head(const Points& points) const;
  // Image fractions -> canvas pixels (the body does not tilt).
  std::vector<cv::Point> body(const Points& points) const;

  void fill(const std::vector<cv::Point>& polygon, const Rgb& colour);
  // Even-odd fill of several outlines: a ring is its outer and inner outline.
  void fill(const std::vector<std::vector<cv::Point>>& polygons, const Rgb& colour);
  // A line of the given thickness along head-coordinate points, filled as one polygon (a
  // ribbon): much faster than OpenCV's thick anti-aliased polylines, which draw a disc at every
  // joint. Closed lines become a ring; tapered ones thin out towards their ends.
  void stroke(const Points& line, const Rgb& colour, double thickness, bool closed = false,
              bool tapered = false);

 private:
  int fixed(double fraction) const;
  static cv::Scalar scalar(const Rgb& c);

  cv::Mat& canvas_;
  double side_;
  double cx_, cy_, cos_, sin_;
};

}  // namespace latentlab::face_drawing
