#pragma once
// Drawing one synthetic face from its parameters (face_generator.h samples the parameters).
// The drawing uses OpenCV inside face_renderer.cpp; this header is std types only.
#include <array>
#include <cstdint>
#include <vector>

namespace latentlab {

// An RGB colour, 0-255 per channel.
using Rgb = std::array<double, 3>;

// Everything that decides how one face looks. Positions and lengths are fractions of the image
// side; head features are relative to the head centre, before the head is scaled and tilted;
// y grows down. The renderer obeys each label switch by itself (turning eyeglasses on draws the
// glasses, smiling picks smile_lift), so one face can be drawn with and without an attribute.
struct FaceParameters {
  // Labelled attributes (face_attribute_names() order is alphabetical, like CelebA).
  bool bangs = false;       // hair covers the forehead down to the eyebrows
  bool beard = false;       // hair-coloured lower face around jaw, chin and upper lip; Male only
  bool blond_hair = false;  // yellowish hair (else black, brown, auburn or grey)
  bool eyeglasses = false;  // frames around both eyes, a bridge and temple arms
  bool male = false;        // wider square jaw, thicker eyebrows, mostly short hair
  bool mouth_open = false;  // dark mouth opening (below the teeth when also smiling)
  bool smiling = false;     // a wide grin showing teeth, its corners clearly turned up

  // Head placement.
  double center_x = 0.5, center_y = 0.47;  // head centre
  double tilt_degrees = 0.0;               // rotation of the head about its centre
  double head_scale = 1.0;                 // every head length below is multiplied by this
  double half_width = 0.21, half_height = 0.27;
  double jaw = 0.8;  // 1: square jaw as wide as the cheeks, lower: narrower pointed chin

  // Colours.
  Rgb skin{230, 190, 160};
  Rgb hair{80, 50, 30};      // hair colour without Blond_Hair: black, brown, auburn or grey
  Rgb blond{230, 200, 120};  // hair colour with Blond_Hair
  Rgb iris{80, 50, 30};
  Rgb lips{170, 80, 80};
  Rgb glasses{20, 20, 20};
  Rgb shirt{60, 90, 140};
  Rgb background_top{180, 190, 200}, background_bottom{140, 150, 160};

  // Hair.
  double hair_volume = 0.04;    // how far the hair stands out of the head outline
  double hair_length = 0.0;     // how far long hair falls below the ears (0: short)
  double hairline = 0.6;        // forehead hairline height, fraction of half_height above centre
  double hair_part = 0.0;       // -1..1: where the hairline peaks, left to right
  double fringe_depth = 0.02;   // Bangs: gap between the fringe and the top of the eyebrows
  double beard_fullness = 0.5;  // 0..1: how far up the cheeks the beard goes
  double beard_shade = 0.7;     // beard colour = hair colour x this (darker still on dark skin)

  // Eyes and eyebrows.
  double eye_y = -0.03;        // eye line, relative to the head centre
  double eye_spacing = 0.085;  // half the distance between the eye centres
  double eye_width = 0.042;    // half width of an eye
  double eye_openness = 0.58;  // eye half height / half width
  double gaze = 0.0;           // -1..1, iris shift left/right
  double brow_raise = 0.055;   // eyebrow height above the eye line
  double brow_thickness = 0.012;
  double brow_angle = 0.0;  // degrees, positive: outer ends lower
  double brow_arch = 0.008;

  // Nose and mouth.
  double nose_length = 0.09;  // nose tip below the eye line
  double nose_width = 0.03;
  double mouth_y = 0.16;        // relative to the head centre
  double mouth_width = 0.075;   // half width of a mouth that does not smile
  double smile_width = 0.105;   // Smiling: half width of the grin (wider than the mouth)
  double smile_lift = 0.045;    // Smiling: how far the grin's corners rise above mouth_y
  double neutral_lift = 0.0;    // not Smiling: the same, small or negative (a flat or sad mouth)
  double mouth_opening = 0.02;  // Mouth_Slightly_Open: depth of the opening below the lip line

  // Eyeglasses shape.
  double glasses_width = 0.058, glasses_height = 0.045;  // half sizes of one lens
  double glasses_roundness = 3.0;                        // 2: ellipse, larger: rounded rectangle
  double glasses_thickness = 0.016;

  // Photo conditions, applied at the final size.
  double light_angle = 0.0;     // direction of the brightness gradient, radians
  double light_strength = 0.0;  // brightness change across the image, fraction
  double noise_sigma = 0.0;     // Gaussian pixel noise, 0-255 levels
  uint64_t noise_seed = 0;
};

// The grin's shape (Smiling), for tests that find its parts: its lower lip's control point lies
// 2 x kGrinDepth below mouth_y (plus 1.5 x mouth_opening when open); teeth are kTeeth.
constexpr double kGrinDepth = 0.045;
constexpr Rgb kTeeth{246, 244, 236};

constexpr int kMinFaceSize = 16;
constexpr int kMaxFaceSize = 1024;

// Draws a face: size x size RGB, row-major, 3 bytes per pixel. Drawn at 4x the size with
// anti-aliased primitives, then area-downscaled. Throws InputError for a size outside
// [kMinFaceSize, kMaxFaceSize].
std::vector<uint8_t> render_face_rgb(const FaceParameters& face, int size);

// RGB arithmetic shared by the parameter sampler and the renderer (contrast rules use both).
namespace colour {
inline Rgb mix(const Rgb& a, const Rgb& b, double t) {
  return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
}
inline Rgb scaled(const Rgb& c, double f) { return {c[0] * f, c[1] * f, c[2] * f}; }
inline double luminance(const Rgb& c) { return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]; }
double distance(const Rgb& a, const Rgb& b);
Rgb clamped(const Rgb& c);
}  // namespace colour

}  // namespace latentlab
