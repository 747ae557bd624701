#include "core/faces/face_renderer.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "core/common/error.h"
#include "core/faces/face_painter.h"

namespace latentlab {

double colour::distance(const Rgb& a, const Rgb& b) {
  return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

Rgb colour::clamped(const Rgb& c) {
  return {std::clamp(c[0], 0.0, 255.0), std::clamp(c[1], 0.0, 255.0), std::clamp(c[2], 0.0, 255.0)};
}

namespace {
using namespace colour;
using namespace face_drawing;

constexpr int kSupersample = 4;  // faces are drawn at 4x the size, then area-downscaled

Rgb hair_colour(const FaceParameters& f) { return f.blond_hair ? f.blond : f.hair; }

// A beard must stand out from the skin it grows on (a golden beard on tanned skin would not):
// when their brightness is too close, the beard is made darker (or, on the darkest skin, lighter).
Rgb beard_colour(const FaceParameters& f) {
  const Rgb beard = scaled(hair_colour(f), f.beard_shade);
  const double skin = luminance(f.skin), lum = luminance(beard);
  if (std::abs(lum - skin) >= 60.0) return beard;
  const double target = skin >= 75.0 ? skin - 60.0 : skin + 60.0;
  return clamped(scaled(beard, target / std::max(lum, 1.0)));
}

// The face outline: an ellipse on top; below the cheeks the sides pull in towards the chin
// (jaw < 1) and flatten into a squarer jaw (jaw near 1).
Points face_outline(const FaceParameters& f, double grow = 0.0) {
  const double a = f.half_width * (1.0 + grow), b = f.half_height * (1.0 + grow);
  const double power = 2.0 + std::clamp((f.jaw - 0.75) * 4.0, 0.0, 1.2);
  Points p;
  for (int i = 0; i < 72; ++i) {
    const double t = 2.0 * kPi * i / 72;
    const double c = std::cos(t), s = std::sin(t);
    if (s <= 0.0) {
      p.emplace_back(a * c, b * s);
    } else {
      const double narrow = 1.0 - (1.0 - f.jaw) * s * s;
      p.emplace_back(a * narrow * std::copysign(std::pow(std::abs(c), 2.0 / power), c),
                     b * std::pow(s, 2.0 / power));
    }
  }
  return p;
}

void draw_background(cv::Mat& canvas, const FaceParameters& f) {
  // A vertical gradient, written directly: a setTo() per row costs more than the whole face.
  for (int y = 0; y < canvas.rows; ++y) {
    const Rgb c = mix(f.background_top, f.background_bottom, double(y) / (canvas.rows - 1));
    const cv::Vec3b pixel(cv::saturate_cast<uint8_t>(c[0]), cv::saturate_cast<uint8_t>(c[1]),
                          cv::saturate_cast<uint8_t>(c[2]));
    auto* row = canvas.ptr<cv::Vec3b>(y);
    std::fill(row, row + canvas.cols, pixel);
  }
}

void draw_body(Painter& pen, const FaceParameters& f) {
  const double cx = f.center_x, chin = f.center_y + f.half_height * f.head_scale;
  const double neck = (f.male ? 0.085 : 0.07) * f.head_scale;
  // Shoulders and shirt.
  pen.fill(pen.body(ellipse_arc(cx, chin + 0.34, 0.44, 0.24, 0, 360, 64)), f.shirt);
  // Neck, in the shadow of the chin, and the skin of the open collar.
  const Rgb neck_skin = scaled(f.skin, 0.86);
  pen.fill(pen.body({{cx - neck, f.center_y},
                     {cx + neck, f.center_y},
                     {cx + neck, chin + 0.13},
                     {cx - neck, chin + 0.13}}),
           neck_skin);
  pen.fill(pen.body(ellipse_arc(cx, chin + 0.11, neck + 0.02, 0.055, 0, 180, 24)), neck_skin);
}

// Hair that lies behind the head: the crown, and long hair falling to the shoulders.
void draw_back_hair(Painter& pen, const FaceParameters& f) {
  const double a = f.half_width + f.hair_volume, b = f.half_height + f.hair_volume;
  const double top_y = -0.015;
  Points p = ellipse_arc(0.0, top_y, a, b, 180, 360);
  if (f.hair_length <= 0.0) {
    p.emplace_back(a * 0.98, f.eye_y);
    p.emplace_back(-a * 0.98, f.eye_y);
  } else {
    const double end = f.half_height * 0.1 + f.hair_length;
    const double flare = 0.02 + f.hair_length * 0.15;
    p.emplace_back(a + flare * 0.5, end * 0.5);
    append(p, quad_curve({a + flare, end}, {0.0, end + 0.05}, {-a - flare, end}));
    p.emplace_back(-a - flare * 0.5, end * 0.5);
  }
  pen.fill(pen.head(p), hair_colour(f));
}

void draw_ears(Painter& pen, const FaceParameters& f) {
  for (int side : {-1, 1}) {
    const double x = side * f.half_width * 0.96, y = f.eye_y + 0.035;
    pen.fill(pen.head(ellipse_arc(x, y, 0.033, 0.056, 0, 360, 32)), scaled(f.skin, 0.94));
    pen.stroke(ellipse_arc(x + side * 0.006, y, 0.016, 0.034, -80, 80, 16), scaled(f.skin, 0.75),
               0.007, false, /*tapered=*/true);
  }
}

void draw_beard(Painter& pen, const FaceParameters& f) {
  // The lower face outline, grown a little, closed by a line from the sideburns over the cheeks
  // to a moustache above the mouth (the mouth is drawn over it).
  const Points outline = face_outline(f, 0.035);
  Points p;
  for (const auto& q : outline)
    if (q.y >= 0.0) p.push_back(q);  // right side -> chin -> left side
  const double a = f.half_width, mw = f.mouth_width, my = f.mouth_y;
  const double cheek_y = my - 0.04 - 0.05 * f.beard_fullness;
  const double lip_top = my - std::max(f.smiling ? f.smile_lift : f.neutral_lift, 0.0) - 0.035;
  append(p, quad_curve({-a * 0.97, 0.0}, {-a * 0.75, cheek_y}, {-mw * 1.25, my - 0.01}, 10));
  append(p,
         quad_curve({-mw * 1.25, my - 0.01}, {0.0, lip_top - 0.025}, {mw * 1.25, my - 0.01}, 12));
  append(p, quad_curve({mw * 1.25, my - 0.01}, {a * 0.75, cheek_y}, {a * 0.97, 0.0}, 10));
  pen.fill(pen.head(p), beard_colour(f));
}

void draw_nose(Painter& pen, const FaceParameters& f) {
  const double top = f.eye_y + 0.025, tip = f.eye_y + f.nose_length, w = f.nose_width;
  pen.stroke(quad_curve({0.008, top}, {w * 0.6, (top + tip) * 0.5}, {w * 0.45, tip - 0.012}, 8),
             scaled(f.skin, 0.8), 0.006, false, /*tapered=*/true);
  pen.stroke(quad_curve({-w, tip - 0.01}, {0.0, tip + 0.025}, {w, tip - 0.01}, 12),
             scaled(f.skin, 0.68), 0.009, false, /*tapered=*/true);
}

void draw_mouth(Painter& pen, const FaceParameters& f) {
  const double my = f.mouth_y;
  // The lip line must read as a line on any skin: darken it until it stands out.
  Rgb line = scaled(f.lips, 0.7);
  for (int i = 0; i < 6 && distance(line, f.skin) < 70.0; ++i) line = scaled(line, 0.85);
  const Rgb kOpening{70, 18, 28};
  if (f.smiling) {
    // A wide grin showing teeth: a crescent whose corners rise by smile_lift (big enough to be
    // worth encoding at 64x64). Open, the crescent deepens and the lower part is dark.
    const double w = f.smile_width, c = f.smile_lift;
    const cv::Point2d left{-w, my - c}, right{w, my - c};
    const cv::Point2d upper_control{0.0, my - 0.2 * c};
    const double depth = kGrinDepth + (f.mouth_open ? 1.5 * f.mouth_opening : 0.0);
    const cv::Point2d lower_control{0.0, my + 2.0 * depth};
    const Points upper = quad_curve(left, upper_control, right);
    Points grin = upper;
    append(grin, quad_curve(right, lower_control, left));
    if (f.mouth_open) {
      pen.fill(pen.head(grin), kOpening);
      Points teeth = upper;
      append(teeth, quad_curve(right, upper_control * 0.45 + lower_control * 0.55, left));
      pen.fill(pen.head(teeth), kTeeth);
    } else {
      pen.fill(pen.head(grin), kTeeth);
    }
    pen.stroke(grin, line, 0.012, /*closed=*/true);
    // Dimples: short strokes curling up at the corners.
    for (int side : {-1, 1}) {
      const cv::Point2d corner = side < 0 ? left : right;
      pen.stroke(quad_curve(corner + cv::Point2d(side * 0.006, 0.0),
                            corner + cv::Point2d(side * 0.018, 0.004),
                            corner + cv::Point2d(side * 0.014, 0.02), 6),
                 scaled(f.skin, 0.78), 0.006, false, /*tapered=*/true);
    }
    return;
  }
  const double mw = f.mouth_width, c = f.neutral_lift;
  const cv::Point2d left{-mw, my - c}, right{mw, my - c};
  if (f.mouth_open) {
    // Upper lip nearly straight, lower lip curving down from it by the opening (its Bezier
    // midpoint mouth_opening + 0.012 lower, so the lip outline leaves mouth_opening dark).
    const cv::Point2d upper_control{0.0, my - c * 0.6 - 0.004};
    Points opening = quad_curve(left, upper_control, right);
    append(
        opening,
        quad_curve(right, upper_control + cv::Point2d(0.0, 2.0 * f.mouth_opening + 0.024), left));
    pen.fill(pen.head(opening), kOpening);
    pen.stroke(opening, f.lips, 0.012, /*closed=*/true);
  } else {
    // The lip line, and a fuller lower lip below it.
    // The lip line passes x = +-0.75 mw at my - 0.5625 c (a quadratic Bezier).
    const double lip_end_y = my - 0.5625 * c + 0.004;
    pen.stroke(quad_curve({-0.75 * mw, lip_end_y}, {0.0, my + c + 0.028}, {0.75 * mw, lip_end_y}),
               mix(f.lips, f.skin, 0.35), 0.014, false, /*tapered=*/true);
    pen.stroke(quad_curve(left, {0.0, my + c}, right), line, 0.013, false, /*tapered=*/true);
  }
}

void draw_eyes(Painter& pen, const FaceParameters& f) {
  const double ew = f.eye_width, eh = f.eye_width * f.eye_openness;
  for (int side : {-1, 1}) {
    const double x = side * f.eye_spacing, y = f.eye_y;
    const Points white = ellipse_arc(x, y, ew, eh, 0, 360, 40);
    pen.fill(pen.head(white), {246, 244, 238});
    const double r = eh * 0.9, ix = x + f.gaze * ew * 0.25;
    pen.fill(pen.head(ellipse_arc(ix, y + eh * 0.05, r, r, 0, 360, 24)), f.iris);
    pen.fill(pen.head(ellipse_arc(ix, y + eh * 0.05, r * 0.45, r * 0.45, 0, 360, 16)),
             {18, 12, 12});
    pen.fill(pen.head(ellipse_arc(ix + r * 0.3, y - r * 0.3, r * 0.18, r * 0.18, 0, 360, 8)),
             {255, 255, 255});
    // Skin around the eye, so the iris never pokes out of the eye shape.
    pen.fill({pen.head(ellipse_arc(x, y, ew * 1.5, eh * 2.0, 0, 360, 40)), pen.head(white)},
             f.skin);
    pen.stroke(ellipse_arc(x, y, ew, eh, 180, 360, 24), {40, 26, 22}, 0.01, false,
               /*tapered=*/true);
    pen.stroke(ellipse_arc(x, y, ew, eh, 10, 170, 20), scaled(f.skin, 0.72), 0.005, false,
               /*tapered=*/true);
  }
}

void draw_eyebrows(Painter& pen, const FaceParameters& f) {
  const Rgb colour = scaled(hair_colour(f), f.blond_hair ? 0.72 : 0.85);
  const double drop = std::tan(f.brow_angle * kPi / 180.0);
  for (int side : {-1, 1}) {
    const double y = f.eye_y - f.brow_raise;
    const double inner = side * (f.eye_spacing - f.eye_width * 0.95);
    const double outer = side * (f.eye_spacing + f.eye_width * 1.1);
    const double outer_y = y + drop * std::abs(outer - inner);
    pen.stroke(quad_curve({inner, y}, {side * f.eye_spacing, y - f.brow_arch - 0.006},
                          {outer, outer_y}, 12),
               colour, f.brow_thickness, false, /*tapered=*/true);
  }
}

// Hair in front of the face: the top of the head down to the hairline, or a fringe (Bangs),
// and for long hair locks that fall over the ears.
void draw_front_hair(Painter& pen, const FaceParameters& f) {
  const double a = f.half_width, b = f.half_height;
  const double ca = a + f.hair_volume, cb = b + f.hair_volume, top_y = -0.015;
  const double temple_y = f.eye_y - 0.045;
  Points p = ellipse_arc(0.0, top_y, ca, cb, 180, 360);
  p.emplace_back(a * 0.94, temple_y);
  if (f.bangs) {
    const double fringe = f.eye_y - f.brow_raise - f.brow_thickness * 0.5 - f.fringe_depth;
    // A zigzag fringe across the whole forehead, rising a little towards the temples.
    const int tips = 9;
    for (int i = 0; i <= 2 * tips; ++i) {
      const double u = 1.0 - double(i) / tips;
      p.emplace_back(a * 0.92 * u, fringe - 0.025 * u * u - (i % 2 ? 0.014 : 0.0));
    }
  } else {
    const double apex = -b * f.hairline;
    append(p, quad_curve({a * 0.94, temple_y}, {f.hair_part * a * 0.6, 2.0 * apex - temple_y},
                         {-a * 0.94, temple_y}, 20));
  }
  p.emplace_back(-a * 0.94, temple_y);
  pen.fill(pen.head(p), hair_colour(f));

  if (f.hair_length > 0.08) {
    const double end = b * 0.25 + f.hair_length * 0.45;
    for (int side : {-1, 1}) {
      Points lock{{side * (ca + 0.002), top_y},
                  {side * (ca + 0.012), end},
                  {side * (a * 0.9), end - 0.03},
                  {side * (a * 0.86), temple_y + 0.02},
                  {side * (a * 0.8), temple_y - 0.04}};
      pen.fill(pen.head(lock), hair_colour(f));
    }
  }
}

void draw_glasses(Painter& pen, const FaceParameters& f) {
  const double gw = f.glasses_width, gh = f.glasses_height, t = f.glasses_thickness;
  const double y = f.eye_y + 0.004;
  for (int side : {-1, 1}) {
    const double x = side * f.eye_spacing;
    pen.stroke(superellipse(x, y, gw, gh, f.glasses_roundness), f.glasses, t, true);
    // Temple arm from the outer edge of the frame back to the ear.
    pen.stroke({{x + side * gw, y - gh * 0.3}, {side * f.half_width * 0.99, y - gh * 0.1}},
               f.glasses, t * 0.8);
  }
  const double inner = f.eye_spacing - gw;
  pen.stroke(quad_curve({-inner - 0.004, y - gh * 0.25}, {0.0, y - gh * 0.6},
                        {inner + 0.004, y - gh * 0.25}, 8),
             f.glasses, t);
}

// Lighting gradient and sensor noise, at the final size.
void apply_photo_conditions(cv::Mat& image, const FaceParameters& f) {
  const int n = image.rows;
  const double dx = std::cos(f.light_angle), dy = std::sin(f.light_angle);
  cv::Mat noise(n, n, CV_32FC3, cv::Scalar::all(0));
  if (f.noise_sigma > 0.0) {
    cv::RNG rng(f.noise_seed);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, f.noise_sigma);
  }
  for (int y = 0; y < n; ++y) {
    auto* row = image.ptr<cv::Vec3b>(y);
    const auto* nrow = noise.ptr<cv::Vec3f>(y);
    for (int x = 0; x < n; ++x) {
      const double u = (x + 0.5) / n - 0.5, v = (y + 0.5) / n - 0.5;
      const double gain = 1.0 + f.light_strength * (u * dx + v * dy);
      for (int c = 0; c < 3; ++c)
        row[x][c] = cv::saturate_cast<uint8_t>(row[x][c] * gain + nrow[x][c]);
    }
  }
}

cv::Mat render_face_mat(const FaceParameters& f, int size) {
  if (size < kMinFaceSize || size > kMaxFaceSize)
    throw InputError("face size " + std::to_string(size) + " is out of range (" +
                     std::to_string(kMinFaceSize) + " to " + std::to_string(kMaxFaceSize) + ")");
  const int big = size * kSupersample;
  cv::Mat canvas(big, big, CV_8UC3);  // RGB order
  Painter pen(canvas, f);
  draw_background(canvas, f);
  draw_body(pen, f);
  draw_back_hair(pen, f);
  draw_ears(pen, f);
  pen.fill(pen.head(face_outline(f)), f.skin);
  if (f.beard) draw_beard(pen, f);
  draw_nose(pen, f);
  draw_mouth(pen, f);
  draw_eyes(pen, f);
  draw_eyebrows(pen, f);
  draw_front_hair(pen, f);
  if (f.eyeglasses) draw_glasses(pen, f);
  cv::Mat image;
  cv::resize(canvas, image, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  apply_photo_conditions(image, f);
  return image;
}

}  // namespace

std::vector<uint8_t> render_face_rgb(const FaceParameters& face, int size) {
  const cv::Mat image = render_face_mat(face, size);
  return std::vector<uint8_t>(image.data, image.data + image.total() * 3);
}

}  // namespace latentlab
