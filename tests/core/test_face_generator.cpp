// The synthetic face generator: determinism, the CelebA layout and attribute file, and labels
// that match what is drawn (each attribute switched on and off on the same face).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/faces/face_generator.h"
#include "core/io/atomic_file.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kSeed = 11;

// A face with no tilt, lighting gradient or noise, so head points map to known pixels and the
// skin is one flat colour.
FaceParameters clean_face(int64_t index) {
  FaceParameters f = sample_face_parameters(kSeed, index);
  f.tilt_degrees = 0.0;
  f.light_strength = 0.0;
  f.noise_sigma = 0.0;
  return f;
}

struct Image {
  int size;
  std::vector<uint8_t> rgb;
  Rgb pixel(int x, int y) const {
    const size_t i = (size_t(y) * size_t(size) + size_t(x)) * 3;
    return {double(rgb[i]), double(rgb[i + 1]), double(rgb[i + 2])};
  }
};

Image draw(const FaceParameters& f, int size) { return {size, render_face_rgb(f, size)}; }

// The pixel under a point in head coordinates (no tilt).
std::pair<int, int> pixel_of(const FaceParameters& f, int size, double hx, double hy) {
  return {int(std::floor((f.center_x + f.head_scale * hx) * size)),
          int(std::floor((f.center_y + f.head_scale * hy) * size))};
}

Rgb head_pixel(const Image& image, const FaceParameters& f, double hx, double hy) {
  const auto [x, y] = pixel_of(f, image.size, hx, hy);
  return image.pixel(x, y);
}

double distance(const Rgb& a, const Rgb& b) {
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                   (a[2] - b[2]) * (a[2] - b[2]));
}

double luminance(const Rgb& c) { return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]; }

// Pixels of the box between two head points (inclusive).
std::vector<Rgb> box(const Image& image, const FaceParameters& f, double x0, double y0, double x1,
                     double y1) {
  const auto [px0, py0] = pixel_of(f, image.size, x0, y0);
  const auto [px1, py1] = pixel_of(f, image.size, x1, y1);
  std::vector<Rgb> out;
  for (int y = py0; y <= py1; ++y)
    for (int x = px0; x <= px1; ++x) out.push_back(image.pixel(x, y));
  return out;
}

double min_distance(const std::vector<Rgb>& pixels, const Rgb& colour) {
  double best = 1e9;
  for (const auto& p : pixels) best = std::min(best, distance(p, colour));
  return best;
}

double max_distance(const std::vector<Rgb>& pixels, const Rgb& colour) {
  double worst = 0.0;
  for (const auto& p : pixels) worst = std::max(worst, distance(p, colour));
  return worst;
}

double mean_luminance(const std::vector<Rgb>& pixels) {
  double sum = 0.0;
  for (const auto& p : pixels) sum += luminance(p);
  return sum / double(pixels.size());
}

std::vector<std::string> read_lines(const std::string& path) {
  std::istringstream in(read_file(path));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

uint32_t big_endian(const std::string& bytes, size_t at) {
  return uint32_t(uint8_t(bytes[at])) << 24 | uint32_t(uint8_t(bytes[at + 1])) << 16 |
         uint32_t(uint8_t(bytes[at + 2])) << 8 | uint32_t(uint8_t(bytes[at + 3]));
}

}  // namespace

TEST(FaceGenerator, SameSeedSameBytesOtherSeedOtherFace) {
  const auto a = render_face_rgb(sample_face_parameters(7, 3), 64);
  EXPECT_EQ(a.size(), size_t(64 * 64 * 3));
  EXPECT_EQ(a, render_face_rgb(sample_face_parameters(7, 3), 64));
  EXPECT_NE(a, render_face_rgb(sample_face_parameters(8, 3), 64));
  EXPECT_NE(a, render_face_rgb(sample_face_parameters(7, 4), 64));
  EXPECT_THROW(render_face_rgb(sample_face_parameters(7, 3), 8), InputError);
}

TEST(FaceGenerator, FileNamesAreCelebaStyle) {
  EXPECT_EQ(face_file_name(0), "000001.png");
  EXPECT_EQ(face_file_name(19999), "020000.png");
}

// The files do not depend on the thread count; the attribute file is CelebA's format and agrees
// with the parameters of every face.
TEST(FaceGenerator, WritesCelebaLayoutIndependentOfThreads) {
  TempDir one, three;
  constexpr int64_t kCount = 23;
  constexpr int kSize = 32;
  write_face_dataset(one.path(), kCount, kSeed, kSize, /*threads=*/1);
  int64_t last_done = -1;
  write_face_dataset(three.path(), kCount, kSeed, kSize, /*threads=*/3,
                     [&](int64_t done, int64_t total) {
                       EXPECT_EQ(total, kCount);
                       EXPECT_GE(done, last_done);
                       last_done = done;
                       return true;
                     });
  EXPECT_EQ(last_done, kCount);

  const fs::path images = fs::path(one.path()) / "img_align_celeba";
  EXPECT_EQ(std::distance(fs::directory_iterator(images), fs::directory_iterator()), kCount)
      << "only the images, no temporary files";
  for (int64_t i = 0; i < kCount; ++i) {
    const std::string name = face_file_name(i);
    const std::string bytes = read_file((images / name).string());
    EXPECT_EQ(bytes, read_file(three.file("img_align_celeba/" + name))) << name;
    ASSERT_GT(bytes.size(), 33u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << name;
    EXPECT_EQ(big_endian(bytes, 16), uint32_t(kSize)) << name << " width";
    EXPECT_EQ(big_endian(bytes, 20), uint32_t(kSize)) << name << " height";
    EXPECT_EQ(bytes[25], 2) << name << " is 8-bit RGB";
  }

  const std::string attributes = (fs::path(one.path()) / "list_attr_celeba.txt").string();
  EXPECT_EQ(read_file(attributes), read_file(three.file("list_attr_celeba.txt")));
  const auto lines = read_lines(attributes);
  ASSERT_EQ(lines.size(), size_t(kCount + 2));
  EXPECT_EQ(lines[0], std::to_string(kCount));
  std::istringstream names(lines[1]);
  std::vector<std::string> header;
  for (std::string n; names >> n;) header.push_back(n);
  EXPECT_EQ(header, face_attribute_names());
  for (const char* required : {"Smiling", "Eyeglasses", "Beard", "Blond_Hair", "Bangs", "Male"})
    EXPECT_NE(std::find(header.begin(), header.end(), required), header.end()) << required;
  for (int64_t i = 0; i < kCount; ++i) {
    std::istringstream row(lines[size_t(i + 2)]);
    std::string file;
    row >> file;
    EXPECT_EQ(file, face_file_name(i));
    std::vector<int8_t> values;
    for (int v; row >> v;) {
      EXPECT_TRUE(v == 1 || v == -1) << lines[size_t(i + 2)];
      values.push_back(int8_t(v));
    }
    EXPECT_EQ(values, face_attributes(sample_face_parameters(kSeed, i))) << lines[size_t(i + 2)];
  }
  // CelebA's spacing: the name, then each value right-aligned in a 3-character column.
  EXPECT_EQ(lines[2].size(), 10 + 3 * header.size());
  EXPECT_EQ(lines[2].substr(10, 3),
            face_attributes(sample_face_parameters(kSeed, 0))[0] > 0 ? "  1" : " -1");
}

// The project's CelebA loader reads the set back: the PNGs decode to the rendered pixels and the
// attributes to the labels.
TEST(FaceGenerator, CelebaLoaderReadsTheSetBack) {
  TempDir dir;
  constexpr int64_t kCount = 5;
  write_face_dataset(dir.path(), kCount, kSeed, 32, 2);
  const auto data = open_dataset("celeba:" + dir.path());
  ASSERT_EQ(data->size(), kCount);
  EXPECT_EQ(data->image_shape(), (ImageShape{3, 32, 32}));
  EXPECT_EQ(data->attribute_names(), face_attribute_names());
  for (int64_t i = 0; i < kCount; ++i) {
    const FaceParameters f = sample_face_parameters(kSeed, i);
    EXPECT_EQ(data->attributes(i), face_attributes(f));
    auto rgb = render_face_rgb(f, 32);
    const auto expected = torch::from_blob(rgb.data(), {32, 32, 3}, torch::kUInt8)
                              .permute({2, 0, 1})
                              .to(torch::kFloat32)
                              .div(255.0);
    EXPECT_TRUE(torch::allclose(data->image(i), expected, /*rtol=*/0, /*atol=*/1e-6)) << i;
  }
}

// A cancelled run removes the attribute file of an earlier run, so the folder never looks like
// a complete set.
TEST(FaceGenerator, CancelledRunLeavesNoAttributeFile) {
  TempDir dir;
  write_face_dataset(dir.path(), 3, kSeed, 16, 1);
  ASSERT_TRUE(fs::exists(dir.file("list_attr_celeba.txt")));
  EXPECT_THROW(
      write_face_dataset(dir.path(), 50, kSeed, 16, 2, [](int64_t, int64_t) { return false; }),
      Cancelled);
  EXPECT_FALSE(fs::exists(dir.file("list_attr_celeba.txt")));
  EXPECT_THROW(write_face_dataset(dir.path(), 0, kSeed, 16), InputError);
  EXPECT_THROW(write_face_dataset(dir.path(), 5, kSeed, 4), InputError);
}

TEST(FaceGenerator, AttributePrevalenceAndIndependence) {
  constexpr int kFaces = 500;
  const auto& names = face_attribute_names();
  const size_t n = names.size();
  std::vector<std::vector<int8_t>> rows;
  for (int i = 0; i < kFaces; ++i) rows.push_back(face_attributes(sample_face_parameters(3, i)));
  const auto column = [&](const std::string& name) {
    return size_t(std::find(names.begin(), names.end(), name) - names.begin());
  };
  for (size_t a = 0; a < n; ++a) {
    int on = 0;
    for (const auto& r : rows) on += r[a] > 0;
    const double rate = double(on) / kFaces;
    EXPECT_GT(rate, 0.18) << names[a];
    EXPECT_LT(rate, 0.6) << names[a];
  }
  // Beard is drawn on Male faces only; every other pair is close to independent (phi).
  for (const auto& r : rows) {
    if (r[column("Beard")] > 0) {
      EXPECT_GT(r[column("Male")], 0);
    }
  }
  for (size_t a = 0; a < n; ++a)
    for (size_t b = a + 1; b < n; ++b) {
      if (names[a] == "Beard" || names[b] == "Beard") continue;
      double n11 = 0, n1x = 0, nx1 = 0;
      for (const auto& r : rows) {
        n11 += r[a] > 0 && r[b] > 0;
        n1x += r[a] > 0;
        nx1 += r[b] > 0;
      }
      const double pa = n1x / kFaces, pb = nx1 / kFaces, pab = n11 / kFaces;
      const double phi = (pab - pa * pb) / std::sqrt(pa * (1 - pa) * pb * (1 - pb));
      EXPECT_LT(std::abs(phi), 0.15) << names[a] << " / " << names[b];
    }
}

// Eyeglasses on: the frame colour appears on both rims and on the bridge between the eyes,
// where without glasses there is only skin.
TEST(FaceGenerator, EyeglassesAreDrawn) {
  for (int64_t i = 0; i < 8; ++i) {
    FaceParameters f = clean_face(i);
    f.eyeglasses = false;
    const Image without = draw(f, 128);
    f.eyeglasses = true;
    const Image with = draw(f, 128);
    const double y = f.eye_y + 0.004;
    const double inner = f.eye_spacing - f.glasses_width;
    const auto bridge_with = box(with, f, -inner * 0.5, y - f.glasses_height * 0.7, inner * 0.5, y);
    const auto bridge_without =
        box(without, f, -inner * 0.5, y - f.glasses_height * 0.7, inner * 0.5, y);
    EXPECT_LT(min_distance(bridge_with, f.glasses), 35.0) << "face " << i;
    EXPECT_GT(min_distance(bridge_without, f.glasses), 50.0) << "face " << i;
    for (int side : {-1, 1}) {
      const double x = side * f.eye_spacing, top = y - f.glasses_height;
      const auto rim = box(with, f, x - 0.004, top - 0.006, x + 0.004, top + 0.006);
      EXPECT_LT(min_distance(rim, f.glasses), 35.0) << "face " << i << " side " << side;
    }
  }
}

// Beard on: the chin takes the beard's colour (darker than the skin, or a grey/blond beard on
// dark skin); nothing above the eyes changes.
TEST(FaceGenerator, BeardCoversTheChinOnly) {
  int darker = 0;
  for (int64_t i = 0; i < 8; ++i) {
    FaceParameters f = clean_face(i);
    f.male = true;
    f.mouth_open = false;
    f.smiling = false;
    f.beard = false;
    const Image without = draw(f, 64);
    f.beard = true;
    const Image with = draw(f, 64);
    const double top = f.mouth_y + 0.04, bottom = f.half_height * 0.85;
    const auto chin_with = box(with, f, -0.03, top, 0.03, bottom);
    const auto chin_without = box(without, f, -0.03, top, 0.03, bottom);
    for (size_t p = 0; p < chin_with.size(); ++p)
      EXPECT_GT(distance(chin_with[p], chin_without[p]), 40.0) << "face " << i << " pixel " << p;
    darker += mean_luminance(chin_with) < mean_luminance(chin_without) - 35.0;
    const int eye_row = pixel_of(f, 64, 0.0, f.eye_y).second;
    const auto above = long(eye_row - 2) * 64 * 3;
    EXPECT_TRUE(std::equal(with.rgb.begin(), with.rgb.begin() + above, without.rgb.begin()))
        << "face " << i << ": the beard changed pixels above the eyes";
  }
  EXPECT_GE(darker, 5) << "most beards are darker than the skin";
}

// Smiling: a wide grin shows teeth and its corners rise. Halfway between the grin's lips the
// smiling face shows teeth where the neutral face shows none; near the grin's corners, above the
// neutral mouth, the smiling face has its lip line and the neutral face plain skin.
TEST(FaceGenerator, SmilingShowsTeethAndLiftsTheCorners) {
  for (int64_t i = 0; i < 6; ++i) {
    FaceParameters f = clean_face(i);
    f.mouth_open = false;
    f.beard = false;
    f.smiling = true;
    const Image smile = draw(f, 256);
    f.smiling = false;
    const Image neutral = draw(f, 256);
    // Bezier midpoints: upper lip at mouth_y - 0.6 lift, lower lip at mouth_y - 0.5 lift + depth.
    const double teeth_y = f.mouth_y - 0.55 * f.smile_lift + 0.5 * kGrinDepth;
    EXPECT_LT(distance(head_pixel(smile, f, 0.0, teeth_y), kTeeth), 20.0) << "face " << i;
    EXPECT_GT(distance(head_pixel(neutral, f, 0.0, teeth_y), kTeeth), 40.0) << "face " << i;
    for (int side : {-1, 1}) {
      // Near a corner, x = 0.9 w, the upper lip lies at mouth_y - 0.92 lift: a small box there
      // holds lip line or teeth when smiling and only skin when not.
      const double x = side * 0.9 * f.smile_width, y = f.mouth_y - 0.92 * f.smile_lift;
      const auto at_smile = box(smile, f, x - 0.006, y - 0.006, x + 0.006, y + 0.006);
      const auto at_neutral = box(neutral, f, x - 0.006, y - 0.006, x + 0.006, y + 0.006);
      EXPECT_GT(max_distance(at_smile, f.skin), 60.0) << "face " << i;
      EXPECT_LT(max_distance(at_neutral, f.skin), 12.0) << "face " << i;
    }
  }
}

// Mouth_Slightly_Open: a dark opening in the middle of the mouth, with and without the grin.
// The points are halfway between the Bezier midpoints of the opening's upper and lower edges
// (the teeth's lower edge when smiling); without the opening they show lips, skin or teeth.
TEST(FaceGenerator, OpenMouthShowsADarkOpening) {
  const Rgb opening{70, 18, 28};
  for (int64_t i = 0; i < 6; ++i) {
    FaceParameters f = clean_face(i);
    f.beard = false;
    for (bool smiling : {false, true}) {
      const double c = smiling ? f.smile_lift : f.neutral_lift;
      const double depth = kGrinDepth + 1.5 * f.mouth_opening;
      const double y = smiling ? f.mouth_y - 0.5225 * c + 0.775 * depth
                               : f.mouth_y - 0.8 * c + 0.004 + 0.5 * f.mouth_opening;
      f.smiling = smiling;
      f.mouth_open = true;
      const Rgb open = head_pixel(draw(f, 256), f, 0.0, y);
      f.mouth_open = false;
      const Rgb closed = head_pixel(draw(f, 256), f, 0.0, y);
      EXPECT_LT(distance(open, opening), 15.0) << "face " << i << " smiling " << smiling;
      EXPECT_GT(distance(closed, opening), 30.0) << "face " << i << " smiling " << smiling;
    }
  }
}

// Bangs: hair covers the forehead just above the eyebrows.
TEST(FaceGenerator, BangsCoverTheForehead) {
  for (int64_t i = 0; i < 8; ++i) {
    FaceParameters f = clean_face(i);
    f.eyeglasses = false;
    f.bangs = false;
    const Image without = draw(f, 128);
    f.bangs = true;
    const Image with = draw(f, 128);
    const Rgb hair = f.blond_hair ? f.blond : f.hair;
    const double fringe = f.eye_y - f.brow_raise - f.brow_thickness * 0.5 - f.fringe_depth;
    const double a = f.half_width;
    const auto count_hair = [&](const Image& image) {
      int n = 0;
      const auto pixels = box(image, f, -0.25 * a, fringe - 0.03, 0.25 * a, fringe - 0.02);
      for (const auto& p : pixels) n += distance(p, hair) < 30.0;
      return double(n) / double(pixels.size());
    };
    EXPECT_GT(count_hair(with), 0.9) << "face " << i;
    EXPECT_LT(count_hair(without), 0.5) << "face " << i;
  }
}

// Blond_Hair: the crown is yellowish and bright; other hair is not.
TEST(FaceGenerator, BlondHairIsYellowish) {
  const auto yellowish = [](const Rgb& c) { return c[0] - c[2] > 50.0 && luminance(c) > 140.0; };
  for (int64_t i = 0; i < 16; ++i) {
    FaceParameters f = clean_face(i);
    f.blond_hair = true;
    const Rgb blond = head_pixel(draw(f, 64), f, 0.0, -0.85 * f.half_height);
    f.blond_hair = false;
    const Rgb other = head_pixel(draw(f, 64), f, 0.0, -0.85 * f.half_height);
    EXPECT_LT(distance(blond, f.blond), 12.0) << "face " << i;
    EXPECT_LT(distance(other, f.hair), 12.0) << "face " << i;
    EXPECT_TRUE(yellowish(blond)) << "face " << i;
    EXPECT_FALSE(yellowish(other)) << "face " << i;
  }
}
