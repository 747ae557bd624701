#include "core/faces/face_generator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "core/common/error.h"
#include "core/common/splitmix64.h"
#include "core/io/atomic_file.h"

namespace latentlab {
namespace fs = std::filesystem;
namespace {

using namespace colour;

constexpr double kPi = 3.14159265358979323846;

// ---------------------------------------------------------------------------------------------
// Random numbers. The engine is std::mt19937_64; the distributions are written out because the
// standard ones may differ between standard libraries, and the faces must not.

class FaceRandom {
 public:
  // Mixed so that neighbouring seeds and indexes give unrelated streams.
  FaceRandom(uint64_t seed, int64_t index)
      : engine_(
            splitmix64(splitmix64(seed) ^ splitmix64(uint64_t(index) + 0x5851F42D4C957F2Dull))) {}

  double uniform(double lo = 0.0, double hi = 1.0) {
    return lo + (hi - lo) * double(engine_() >> 11) * 0x1.0p-53;
  }
  bool chance(double p) { return uniform() < p; }
  double normal(double mean, double sd) {
    const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }
  uint64_t bits() { return engine_(); }
  // Picks an index with the given relative weights.
  size_t pick(std::initializer_list<double> weights) {
    double total = 0.0;
    for (double w : weights) total += w;
    double r = uniform(0.0, total);
    size_t i = 0;
    for (double w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return weights.size() - 1;
  }
  Rgb jitter(const Rgb& c, double amount) {
    return {c[0] + uniform(-amount, amount), c[1] + uniform(-amount, amount),
            c[2] + uniform(-amount, amount)};
  }

 private:
  std::mt19937_64 engine_;
};

Rgb sample_skin(FaceRandom& r) {
  // From fair to deep brown along one axis, with a little hue jitter.
  const Rgb fair{252, 224, 204}, medium{222, 170, 128}, deep{108, 70, 48};
  const double t = std::pow(r.uniform(), 1.2);
  const Rgb base = t < 0.5 ? mix(fair, medium, t * 2.0) : mix(medium, deep, t * 2.0 - 1.0);
  return clamped(r.jitter(base, 7.0));
}

Rgb sample_hair(FaceRandom& r, bool blond) {
  if (blond) {
    const Rgb golden{216, 176, 96}, light{242, 218, 148};
    return clamped(r.jitter(mix(golden, light, r.uniform()), 8.0));
  }
  static const Rgb kColours[] = {
      {26, 22, 22}, {60, 38, 26}, {104, 68, 40}, {138, 58, 30}, {160, 158, 156}};
  const size_t i = r.pick({0.3, 0.3, 0.2, 0.12, 0.08});
  return clamped(r.jitter(scaled(kColours[i], r.uniform(0.88, 1.12)), 6.0));
}

Rgb sample_glasses(FaceRandom& r, const Rgb& skin) {
  static const Rgb kDark[] = {
      {14, 14, 18}, {72, 42, 24}, {24, 34, 92}, {108, 20, 34}, {52, 55, 60}};
  static const Rgb kLight[] = {{206, 170, 78}, {196, 198, 206}, {214, 40, 40}};
  // Frames must stand out against the skin: dark frames on fair skin, mostly bright on dark,
  // and never a colour close to the skin's.
  const bool dark = luminance(skin) > 125.0 ? r.chance(0.9) : r.chance(0.3);
  Rgb frame = dark ? kDark[r.pick({1, 1, 1, 1, 1})] : kLight[r.pick({1, 1, 1})];
  for (int i = 0; i < 8 && distance(frame, skin) < 90.0; ++i)
    frame = kDark[r.pick({1, 1, 1, 1, 1})];
  return frame;
}

Rgb sample_muted(FaceRandom& r, double lo, double hi, double grey_mix) {
  const Rgb c{r.uniform(lo, hi), r.uniform(lo, hi), r.uniform(lo, hi)};
  const double g = (c[0] + c[1] + c[2]) / 3.0;
  return mix(c, Rgb{g, g, g}, grey_mix);
}

// render_face_rgb as an OpenCV image (RGB channel order).
cv::Mat render_face_image(const FaceParameters& f, int size) {
  std::vector<uint8_t> rgb = render_face_rgb(f, size);
  return cv::Mat(size, size, CV_8UC3, rgb.data()).clone();
}

// compression -1: OpenCV's fastest setting (for data sets); 9: smallest (for pictures to keep).
std::string encode_png(const cv::Mat& rgb, const std::string& path, int compression = -1) {
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  std::vector<uint8_t> bytes;
  std::vector<int> params;
  if (compression >= 0)
    params = {cv::IMWRITE_PNG_COMPRESSION, compression, cv::IMWRITE_PNG_STRATEGY,
              cv::IMWRITE_PNG_STRATEGY_DEFAULT};
  if (!cv::imencode(".png", bgr, bytes, params))
    throw ImageError("cannot encode '" + path + "' as PNG");
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

const std::vector<std::string>& face_attribute_names() {
  static const std::vector<std::string> kNames{
      "Bangs", "Beard", "Blond_Hair", "Eyeglasses", "Male", "Mouth_Slightly_Open", "Smiling"};
  return kNames;
}

std::vector<int8_t> face_attributes(const FaceParameters& face) {
  auto v = [](bool b) { return int8_t(b ? 1 : -1); };
  return {v(face.bangs), v(face.beard),      v(face.blond_hair), v(face.eyeglasses),
          v(face.male),  v(face.mouth_open), v(face.smiling)};
}

FaceParameters sample_face_parameters(uint64_t seed, int64_t index) {
  FaceRandom r(seed, index);
  FaceParameters f;
  // Labels first, each from its own draw, so they are independent except Beard (Male only).
  f.male = r.chance(0.5);
  f.smiling = r.chance(0.45);
  f.eyeglasses = r.chance(0.3);
  f.blond_hair = r.chance(0.28);
  f.bangs = r.chance(0.3);
  f.mouth_open = r.chance(0.35);
  const bool beard_draw = r.chance(0.55);
  f.beard = f.male && beard_draw;

  f.center_x = 0.5 + r.uniform(-0.035, 0.035);
  f.center_y = 0.45 + r.uniform(-0.03, 0.03);
  f.head_scale = r.uniform(1.0, 1.15);
  f.tilt_degrees = std::clamp(r.normal(0.0, 4.0), -10.0, 10.0);
  f.half_width = r.uniform(0.2, 0.245) + (f.male ? 0.012 : 0.0);
  f.half_height = r.uniform(0.265, 0.315);
  f.jaw = f.male ? r.uniform(0.86, 1.0) : r.uniform(0.62, 0.82);

  f.skin = sample_skin(r);
  f.hair = sample_hair(r, /*blond=*/false);
  f.blond = sample_hair(r, /*blond=*/true);
  // Hair as dark as the skin would hide Bangs and Beard: such hair becomes near black.
  if (std::abs(luminance(f.hair) - luminance(f.skin)) < 45.0) f.hair = scaled(f.hair, 0.45);
  // Pale blond on fair skin would hide Bangs: such hair turns more golden.
  for (int i = 0; i < 6 && distance(f.blond, f.skin) < 60.0; ++i)
    f.blond = mix(f.blond, Rgb{200, 150, 62}, 0.35);
  f.beard_shade = r.uniform(0.62, 0.78);
  static const Rgb kIris[] = {
      {92, 56, 30}, {55, 35, 20}, {66, 108, 160}, {78, 118, 78}, {120, 98, 50}};
  f.iris = kIris[r.pick({3, 2, 2, 1, 1})];
  f.lips = clamped(mix(f.skin, Rgb{184, 58, 70}, r.uniform(0.35, 0.55)));
  f.glasses = sample_glasses(r, f.skin);
  f.shirt = sample_muted(r, 25, 225, 0.25);
  f.background_top = sample_muted(r, 70, 235, 0.45);
  f.background_bottom = scaled(f.background_top, r.uniform(0.72, 0.98));

  f.hair_volume = r.uniform(0.02, 0.06);
  const bool long_hair = f.male ? r.chance(0.08) : r.chance(0.85);
  f.hair_length = long_hair ? r.uniform(0.12, 0.4) : 0.0;
  f.hairline = f.male ? r.uniform(0.5, 0.68) : r.uniform(0.55, 0.72);
  f.hair_part = r.uniform(-1.0, 1.0);
  f.fringe_depth = r.uniform(0.008, 0.02);
  f.beard_fullness = r.uniform();

  const double width_scale = f.half_width / 0.222;
  f.eye_y = r.uniform(-0.05, -0.015);
  f.eye_spacing = r.uniform(0.08, 0.1) * width_scale;
  f.eye_width = r.uniform(0.039, 0.049);
  f.eye_openness = r.uniform(0.5, 0.66);
  f.gaze = r.uniform(-1.0, 1.0);
  f.brow_thickness = f.male ? r.uniform(0.017, 0.025) : r.uniform(0.009, 0.014);
  f.brow_raise = r.uniform(0.045, 0.06) + f.brow_thickness * 0.5;
  f.brow_angle = r.uniform(-8.0, 14.0);
  f.brow_arch = r.uniform(0.0, 0.016);
  // Without Bangs a clear strip of forehead shows between the eyebrows and the hairline.
  const double brow_top = f.eye_y - f.brow_raise - f.brow_thickness * 0.5;
  f.hairline = std::max(f.hairline, (0.065 - brow_top) / f.half_height);

  f.nose_length = r.uniform(0.08, 0.11);
  f.nose_width = r.uniform(0.022, 0.036);
  f.mouth_y = f.eye_y + f.nose_length + r.uniform(0.058, 0.08);
  f.mouth_width = r.uniform(0.066, 0.09);
  f.smile_width = r.uniform(0.095, 0.115);
  f.smile_lift = r.uniform(0.04, 0.055);
  f.neutral_lift = r.uniform(-0.014, 0.006);
  f.mouth_opening = r.uniform(0.022, 0.034);

  f.glasses_height = r.uniform(0.043, 0.053);
  f.glasses_width = std::min(r.uniform(0.058, 0.07), f.eye_spacing - 0.013);
  f.glasses_roundness = r.uniform(2.0, 4.5);
  f.glasses_thickness = r.uniform(0.014, 0.021);

  f.light_angle = r.uniform(0.0, 2.0 * kPi);
  f.light_strength = r.uniform(0.0, 0.35);
  f.noise_sigma = r.uniform(0.0, 4.0);
  f.noise_seed = r.bits();
  return f;
}

std::string face_file_name(int64_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%06lld.png", static_cast<long long>(index + 1));
  return name;
}

void write_face_dataset(const std::string& dir, int64_t count, uint64_t seed, int size, int threads,
                        const FaceProgress& progress) {
  if (count < 1) throw InputError("face count must be at least 1, not " + std::to_string(count));
  if (size < kMinFaceSize || size > kMaxFaceSize)
    throw InputError("face size " + std::to_string(size) + " is out of range (" +
                     std::to_string(kMinFaceSize) + " to " + std::to_string(kMaxFaceSize) + ")");
  const fs::path root(dir);
  const fs::path images = root / "img_align_celeba";
  const fs::path attributes = root / "list_attr_celeba.txt";
  std::error_code ec;
  fs::create_directories(images, ec);
  if (ec) throw WriteError("cannot create folder '" + images.string() + "': " + ec.message());
  // An old attribute file would make a half-written new set look complete.
  fs::remove(attributes, ec);
  if (ec) throw WriteError("cannot remove '" + attributes.string() + "': " + ec.message());

  const size_t n_attributes = face_attribute_names().size();
  std::vector<int8_t> labels(size_t(count) * n_attributes);
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex failure_mutex;

  // Every worker takes the next face number; faces depend only on (seed, index), so the
  // files are the same whatever the thread count.
  auto work = [&] {
    try {
      for (int64_t i = next++; i < count && !stop; i = next++) {
        const FaceParameters face = sample_face_parameters(seed, i);
        const auto values = face_attributes(face);
        std::copy(values.begin(), values.end(), labels.begin() + i * int64_t(n_attributes));
        const std::string path = (images / face_file_name(i)).string();
        // Flushed to disk all at once below: an fsync per small file would dominate the run.
        write_file_atomically(path, encode_png(render_face_image(face, size), path),
                              Sync::kDeferred);
        ++done;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };

  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  threads = int(std::min<int64_t>(threads, count));
  if (progress && !progress(0, count)) throw Cancelled();
  // Workers draw; the calling thread reports progress (and may cancel) meanwhile.
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) workers.emplace_back(work);
  bool cancelled = false;
  while (progress && !stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (done >= count) break;
    if (!progress(done, count)) {
      cancelled = true;
      stop = true;
    }
  }
  for (auto& w : workers) w.join();
  if (failure) std::rethrow_exception(failure);
  if (cancelled) throw Cancelled();
  if (progress) progress(count, count);

  // The images reach the disk before the attribute file that declares the set complete.
  sync_file_system(images.string());
  std::ostringstream text;
  text << count << "\n";
  for (size_t a = 0; a < n_attributes; ++a)
    text << face_attribute_names()[a] << (a + 1 < n_attributes ? " " : "\n");
  for (int64_t i = 0; i < count; ++i) {
    text << face_file_name(i);
    for (size_t a = 0; a < n_attributes; ++a)
      text << (labels[size_t(i) * n_attributes + a] > 0 ? "  1" : " -1");
    text << "\n";
  }
  write_file_atomically(attributes.string(), text.str());
}

void write_face_contact_sheet(const std::string& path, uint64_t seed, int size, int columns,
                              int rows, int scale) {
  if (columns < 1 || rows < 1 || scale < 1)
    throw InputError("contact sheet needs at least one column, one row and scale 1");
  const int cell = size * scale;
  cv::Mat sheet(rows * cell, columns * cell, CV_8UC3);
  for (int i = 0; i < rows * columns; ++i) {
    cv::Mat face = render_face_image(sample_face_parameters(seed, i), size);
    cv::Mat big;
    cv::resize(face, big, cv::Size(cell, cell), 0, 0, cv::INTER_NEAREST);
    big.copyTo(sheet(cv::Rect((i % columns) * cell, (i / columns) * cell, cell, cell)));
  }
  write_file_atomically(path, encode_png(sheet, path, /*compression=*/9));
}

}  // namespace latentlab
