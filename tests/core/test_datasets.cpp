// Data sets: the real Fashion-MNIST test split, IDX files written here (gzipped and plain),
// folders of images, the CelebA layout, and every malformed file the loaders must refuse.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/image/image_io.h"
#include "core/io/atomic_file.h"
#include "core/readers/celeba_dataset.h"
#include "core/readers/idx_dataset.h"
#include "core/readers/idx_reader.h"
#include "tests/core/error_of.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

const std::string kFashionDir = kFashionMnistDir;

void write_bytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// Any bytes gzipped with zlib's own file writer (write_idx cannot write a lying header).
void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  if (!bytes.empty()) {
    ASSERT_EQ(gzwrite(file, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
  }
  ASSERT_EQ(gzclose(file), Z_OK);
}

std::string big_endian(uint32_t v) {
  return {char(v >> 24), char((v >> 16) & 0xFF), char((v >> 8) & 0xFF), char(v & 0xFF)};
}

// An IDX file built byte by byte, independently of write_idx.
std::string idx_bytes(uint32_t magic, const std::vector<uint32_t>& dims, const std::string& data) {
  std::string bytes = big_endian(magic);
  for (uint32_t d : dims) bytes += big_endian(d);
  return bytes + data;
}

// Five 2x3 images whose pixel j of image i is 10 * i + j.
torch::Tensor small_images() {
  return (torch::arange(5, torch::kInt64).view({5, 1, 1}) * 10 +
          torch::arange(6, torch::kInt64).view({1, 2, 3}))
      .to(torch::kUInt8);
}

// A model image [C, H, W] in [0, 1] filled with one colour.
torch::Tensor solid(const std::vector<float>& colour, int64_t h, int64_t w) {
  return torch::tensor(colour).view({-1, 1, 1}).expand({int64_t(colour.size()), h, w}).clone();
}

void write_celeba(const TempDir& dir, const std::string& attribute_text, int images) {
  fs::create_directories(dir.file(kCelebaImageFolder));
  for (int i = 1; i <= images; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "%06d.png", i);
    write_png(dir.file(std::string(kCelebaImageFolder) + "/" + name),
              solid({0.1f * float(i), 0.5f, 1.0f - 0.1f * float(i)}, 64, 64), {0, 1});
  }
  write_bytes(dir.file(kCelebaAttributeFile), attribute_text);
}

const char* kGoodAttributes =
    "3\n"
    "Smiling Eyeglasses  Male \n"
    "000001.png  1 -1 -1\n"
    "000002.png -1  1  1\r\n"
    "000003.png  1  1 -1\n"
    "\n";

}  // namespace

// --- Fashion-MNIST (the files of Debian's dataset-fashion-mnist) ---------------------------

TEST(FashionMnist, TestSplitHasTheKnownLabelsAndPixels) {
  ASSERT_TRUE(fs::exists(kFashionDir + "/t10k-images-idx3-ubyte.gz"))
      << "install the Debian package dataset-fashion-mnist";
  const auto data = open_dataset("fashion-mnist:test");
  ASSERT_EQ(data->size(), 10000);
  EXPECT_EQ(data->spec(), "fashion-mnist:test");
  EXPECT_EQ(data->image_shape(), (ImageShape{1, 28, 28}));
  const std::vector<std::string> classes = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                            "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                            "Bag",         "Ankle boot"};
  EXPECT_EQ(data->class_names(), classes);
  const auto labels = load_all_labels(*data);
  const std::vector<int64_t> first = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7};
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(labels[i].item<int64_t>(), first[size_t(i)]) << i;
  // Reference values from an independent read of the same file with Python's gzip and numpy:
  // bincount(labels) = 1000 each; pixel mean/255 = 0.28684928071228494, std/255 =
  // 0.35244415324744005; image 0 row 14 columns 10..17 = 0 0 98 136 110 109 110 162;
  // image 0 sums to 33456 and image 9999 to 24390.
  EXPECT_TRUE(torch::equal(torch::bincount(labels), torch::full({10}, 1000, torch::kInt64)));
  const auto images = load_all_images(*data);
  ASSERT_EQ(images.sizes(), (std::vector<int64_t>{10000, 1, 28, 28}));
  EXPECT_NEAR(images.to(torch::kFloat64).mean().item<double>(), 0.28684928071228494, 1e-7);
  EXPECT_NEAR(images.to(torch::kFloat64).std(/*unbiased=*/false).item<double>(),
              0.35244415324744005, 1e-7);
  const auto row = torch::tensor({0, 0, 98, 136, 110, 109, 110, 162}, torch::kFloat32) / 255.0f;
  EXPECT_TRUE(torch::allclose(images[0][0][14].slice(0, 10, 18), row));
  EXPECT_NEAR(images[0].sum().item<double>() * 255.0, 33456.0, 1e-2);
  EXPECT_NEAR(images[9999].sum().item<double>() * 255.0, 24390.0, 1e-2);
  EXPECT_TRUE(torch::equal(data->image(9999), images[9999]));
  EXPECT_EQ(data->label(0), 9);
}

TEST(FashionMnist, DefaultsToTrainAndHonoursLimitRangeAndShape) {
  DatasetOptions options;
  options.limit = 64;
  options.output_range = {-1.0f, 1.0f};
  const auto train = open_dataset("fashion-mnist", options);
  EXPECT_EQ(train->size(), 64);
  // From Python (gzip + numpy) on train-*-ubyte.gz: the first labels are 9 0 0 3 0 2 7 2 5 5 and
  // the first 64 sum to 263; the first 64 images sum to 3684429, with 25341 zero pixels and 421
  // at 255.
  const auto labels = load_all_labels(*train);
  EXPECT_TRUE(torch::equal(labels.slice(0, 0, 10), torch::tensor({9, 0, 0, 3, 0, 2, 7, 2, 5, 5})));
  EXPECT_EQ(labels.sum().item<int64_t>(), 263);
  const auto images = load_all_images(*train);
  ASSERT_EQ(images.sizes(), (std::vector<int64_t>{64, 1, 28, 28}));
  const auto bytes = (images.to(torch::kFloat64) + 1.0) * 127.5;  // back from [-1, 1]
  EXPECT_LT((bytes - bytes.round()).abs().max().item<double>(), 1e-4);
  EXPECT_NEAR(bytes.sum().item<double>(), 3684429.0, 0.5);
  EXPECT_EQ((images == -1.0f).sum().item<int64_t>(), 25341);
  EXPECT_EQ((images == 1.0f).sum().item<int64_t>(), 421);
  // A data dir without the files names the file it looked for and the package.
  DatasetOptions elsewhere;
  elsewhere.data_dir = "/nonexistent";
  const auto message =
      error_of<DatasetError>([&] { open_dataset("fashion-mnist:test", elsewhere); });
  EXPECT_NE(message.find("/nonexistent/t10k-images-idx3-ubyte.gz"), std::string::npos) << message;
  EXPECT_NE(message.find("dataset-fashion-mnist"), std::string::npos) << message;
  EXPECT_NE(
      error_of<InputError>([] { open_dataset("fashion-mnist:valid"); }).find("train, test or all"),
      std::string::npos);
}

TEST(FashionMnist, AllIsTheTrainingImagesThenTheTestImages) {
  const auto all = open_dataset("fashion-mnist:all");
  const auto train = open_dataset("fashion-mnist:train");
  const auto test = open_dataset("fashion-mnist:test");
  ASSERT_EQ(all->size(), 70000);
  EXPECT_EQ(all->class_names(), test->class_names());
  for (const int64_t i : {int64_t(0), int64_t(59999)}) {
    EXPECT_TRUE(torch::equal(all->image(i), train->image(i))) << i;
    EXPECT_EQ(all->label(i), train->label(i)) << i;
    EXPECT_EQ(all->item_name(i), train->item_name(i)) << i;
  }
  // Image 60,000 is the test file's first (label 9, pixel sum 33456: see the test split above),
  // and it is named by that file and its own index there.
  EXPECT_TRUE(torch::equal(all->image(60000), test->image(0)));
  EXPECT_EQ(all->label(60000), 9);
  EXPECT_EQ(all->item_name(60000), test->item_name(0));
  EXPECT_NE(all->item_name(69999).find("t10k-images-idx3-ubyte.gz #9999"), std::string::npos)
      << all->item_name(69999);
  const auto counts = torch::bincount(load_all_labels(*all));
  EXPECT_TRUE(torch::equal(counts, torch::full({10}, 7000, torch::kInt64)));
  DatasetOptions limited;
  limited.limit = 60010;  // the limit counts across the two files
  EXPECT_EQ(open_dataset("fashion-mnist:all", limited)->size(), 60010);
}

// --- IDX files ----------------------------------------------------------------------------

TEST(Idx, WriterMatchesTheFormatAndReadsBackGzippedOrPlain) {
  TempDir dir;
  const auto images = small_images();
  const auto labels = torch::tensor({3, 0, 1, 2, 3}, torch::kUInt8);
  write_idx(dir.file("img"), images, /*gzip=*/false);
  write_idx(dir.file("img.gz"), images, /*gzip=*/true);
  write_idx(dir.file("lab.gz"), labels, /*gzip=*/true);
  const std::string data(static_cast<const char*>(images.data_ptr()), 30);
  EXPECT_EQ(read_file(dir.file("img")), idx_bytes(kIdxImagesMagic, {5, 2, 3}, data));
  EXPECT_EQ(read_file(dir.file("img.gz")).substr(0, 2), "\x1f\x8b");
  EXPECT_TRUE(torch::equal(read_idx_images(dir.file("img")), images));
  EXPECT_TRUE(torch::equal(read_idx_images(dir.file("img.gz")), images));
  EXPECT_TRUE(torch::equal(read_idx_labels(dir.file("lab.gz")), labels));

  const auto data_set = open_dataset("idx:" + dir.file("img.gz") + ":" + dir.file("lab.gz"));
  EXPECT_EQ(data_set->size(), 5);
  EXPECT_EQ(data_set->image_shape(), (ImageShape{1, 2, 3}));
  EXPECT_EQ(data_set->class_names(), (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(data_set->label(0), 3);
  EXPECT_TRUE(
      torch::allclose(data_set->image(4), images[4].unsqueeze(0).to(torch::kFloat32) / 255.0f));
  EXPECT_NE(data_set->item_name(2).find("img.gz #2"), std::string::npos);
  const auto unlabelled = open_dataset("idx:" + dir.file("img"));
  EXPECT_TRUE(unlabelled->class_names().empty());
  EXPECT_EQ(unlabelled->label(1), -1);
  EXPECT_TRUE(torch::equal(load_all_labels(*unlabelled), torch::full({5}, -1, torch::kInt64)));
  EXPECT_THROW(unlabelled->image(5), InputError);
}

TEST(Idx, MalformedFilesNameTheFileAndTheProblem) {
  TempDir dir;
  const std::string data(30, '\x07');
  auto expect_error = [](const std::string& path, const std::string& part, bool images = true) {
    const auto message = error_of<DatasetError>([&] {
      if (images)
        read_idx_images(path);
      else
        read_idx_labels(path);
    });
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(part), std::string::npos) << message;
  };
  write_bytes(dir.file("magic"), idx_bytes(0x12345678, {5, 2, 3}, data));
  expect_error(dir.file("magic"), "bad magic 0x12345678 (expected 0x00000803 for images)");
  write_bytes(dir.file("float"), idx_bytes(0x00000D03, {5, 2, 3}, data));
  expect_error(dir.file("float"), "data type 0x0D is not supported");
  write_bytes(dir.file("labels-as-images"), idx_bytes(kIdxLabelsMagic, {30}, data));
  expect_error(dir.file("labels-as-images"), "1-dimensional IDX data");
  write_bytes(dir.file("short"), idx_bytes(kIdxImagesMagic, {6, 2, 3}, data));
  expect_error(dir.file("short"),
               "truncated: the header declares 6 images of 2x3, 36 bytes but the file holds 30 "
               "bytes of data: the counts disagree with the size");
  write_bytes(dir.file("long"), idx_bytes(kIdxImagesMagic, {4, 2, 3}, data));
  expect_error(dir.file("long"), "declares 4 images of 2x3, 24 bytes but the file holds 30");
  write_bytes(dir.file("absurd"), idx_bytes(kIdxImagesMagic, {4000000000u, 60000, 60000}, data));
  expect_error(dir.file("absurd"), "absurd size");
  write_bytes(dir.file("tiny"), "\0\0");
  expect_error(dir.file("tiny"), "too short to be an IDX file");
  expect_error(dir.file("missing"), "no such file");

  // Gzipped: the same checks after decompression, and the stream itself.
  write_idx(dir.file("ok.gz"), small_images(), true);
  const std::string gz = read_file(dir.file("ok.gz"));
  write_bytes(dir.file("cut.gz"), gz.substr(0, gz.size() - 12));
  expect_error(dir.file("cut.gz"), "corrupt or truncated gzip data (unexpected end of file)");
  std::string flipped = gz;
  flipped[flipped.size() - 6] ^= 0x55;  // inside the CRC-32 trailer
  write_bytes(dir.file("crc.gz"), flipped);
  expect_error(dir.file("crc.gz"), "corrupt or truncated gzip data");
  // The header claims 5 images where the gzip data hold 3, or 2 where they hold 3.
  write_gzip(dir.file("few.gz"), idx_bytes(kIdxImagesMagic, {5, 2, 3}, std::string(18, '\0')));
  expect_error(dir.file("few.gz"),
               "truncated: the header declares 5 images of 2x3, 30 bytes but the data hold only "
               "18 bytes: the counts disagree with the size");
  write_gzip(dir.file("more.gz"), idx_bytes(kIdxImagesMagic, {2, 2, 3}, std::string(18, '\0')));
  expect_error(dir.file("more.gz"),
               "the data are longer than the header declares (2 images of 2x3");
  write_gzip(dir.file("bomb.gz"), idx_bytes(kIdxImagesMagic, {60000, 1000, 1000}, ""));
  expect_error(dir.file("bomb.gz"), "byte gzip file can hold");
  // The real Fashion-MNIST labels cut in half: a truncated gzip stream.
  const std::string labels_gz = read_file(kFashionDir + "/t10k-labels-idx1-ubyte.gz");
  write_bytes(dir.file("half-labels.gz"), labels_gz.substr(0, labels_gz.size() / 2));
  expect_error(dir.file("half-labels.gz"), "corrupt or truncated gzip data", /*images=*/false);

  // A label file whose count differs from the image file's.
  write_idx(dir.file("img.gz"), small_images(), true);
  write_idx(dir.file("lab4.gz"), torch::zeros({4}, torch::kUInt8), true);
  const auto message = error_of<DatasetError>(
      [&] { open_dataset("idx:" + dir.file("img.gz") + ":" + dir.file("lab4.gz")); });
  EXPECT_NE(message.find("lab4.gz: holds 4 labels but " + dir.file("img.gz") + " holds 5 images"),
            std::string::npos)
      << message;
  // Fashion-MNIST labels must be one of the ten classes.
  write_idx(dir.file("lab.gz"), torch::tensor({1, 2, 12, 3, 4}, torch::kUInt8), true);
  const auto outside = error_of<DatasetError>([&] {
    open_idx_dataset(dir.file("img.gz"), dir.file("lab.gz"), {}, "test", fashion_mnist_classes());
  });
  EXPECT_NE(outside.find("label 12 of image #2 is not one of the 10 classes"), std::string::npos)
      << outside;
}

TEST(Idx, ShapeConversionMatchesReadImage) {
  // IDX images converted in one tensor operation must equal read_image on the same picture.
  TempDir dir;
  const auto raw =
      read_idx_images(kFashionDir + "/t10k-images-idx3-ubyte.gz").slice(0, 0, 3).clone();
  write_idx(dir.file("three"), raw, false);
  for (int i = 0; i < 3; ++i)
    write_png(dir.file(std::to_string(i) + ".png"),
              raw[i].unsqueeze(0).to(torch::kFloat32) / 255.0f, {0, 1});
  for (const ImageShape shape :
       {ImageShape{3, 32, 32}, ImageShape{1, 14, 14}, ImageShape{1, 20, 28}}) {
    DatasetOptions options;
    options.image_shape = shape;
    options.output_range = {-1.0f, 1.0f};
    const auto data = open_dataset("idx:" + dir.file("three"), options);
    EXPECT_EQ(data->image_shape(), shape);
    const auto all = load_all_images(*data);
    ASSERT_EQ(all.sizes(), (std::vector<int64_t>{3, shape.channels, shape.height, shape.width}));
    for (int i = 0; i < 3; ++i) {
      const auto expected = read_image(dir.file(std::to_string(i) + ".png"), shape, {-1.0f, 1.0f});
      EXPECT_LT((all[i] - expected).abs().max().item<float>(), 1e-4)
          << to_string(shape) << " " << i;
      EXPECT_TRUE(torch::equal(data->image(i), all[i]));
    }
  }
}

// --- folders of images ----------------------------------------------------------------------

TEST(Folder, LabelsComeFromSubFoldersInSortedOrder) {
  TempDir dir;
  // Written out of order: the data set sorts paths, so the order is the same everywhere.
  fs::create_directories(dir.file("zebra"));
  fs::create_directories(dir.file("ant/deeper"));
  fs::create_directories(dir.file(".hidden"));
  write_png(dir.file("zebra/b.png"), solid({0.2f, 0.4f, 0.6f}, 8, 8), {0, 1});
  write_png(dir.file("zebra/a.png"), solid({1.0f, 0.0f, 0.0f}, 8, 8), {0, 1});
  write_png(dir.file("ant/c.png"), solid({0.0f, 1.0f, 0.0f}, 8, 8), {0, 1});
  write_png(dir.file("ant/deeper/d.png"), solid({0.0f, 0.0f, 1.0f}, 8, 8), {0, 1});
  write_png(dir.file(".hidden/e.png"), solid({1.0f, 1.0f, 1.0f}, 8, 8), {0, 1});
  write_bytes(dir.file("zebra/notes.txt"), "not an image");
  const auto data = open_dataset("folder:" + dir.path());
  ASSERT_EQ(data->size(), 4);
  EXPECT_EQ(data->class_names(), (std::vector<std::string>{"ant", "zebra"}));
  EXPECT_EQ(data->image_shape(), (ImageShape{3, 8, 8}));
  const std::vector<std::string> order = {"ant/c.png", "ant/deeper/d.png", "zebra/a.png",
                                          "zebra/b.png"};
  const std::vector<int64_t> labels = {0, 0, 1, 1};
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(data->item_name(i), dir.file(order[size_t(i)]));
    EXPECT_EQ(data->label(i), labels[size_t(i)]);
  }
  // Pixels: 0.2 * 255 = 51 is stored exactly, read back as 51 / 255.
  EXPECT_TRUE(
      torch::allclose(data->image(3), solid({51 / 255.0f, 102 / 255.0f, 153 / 255.0f}, 8, 8)));
  EXPECT_TRUE(torch::equal(load_all_labels(*data), torch::tensor(labels)));
  EXPECT_EQ(load_all_attributes(*data).sizes(), (std::vector<int64_t>{4, 0}));

  // Converted to the model's shape and range.
  DatasetOptions options;
  options.image_shape = ImageShape{1, 4, 4};
  options.output_range = {-1.0f, 1.0f};
  const auto grey = open_dataset("folder:" + dir.path(), options);
  const auto images = load_all_images(*grey);
  ASSERT_EQ(images.sizes(), (std::vector<int64_t>{4, 1, 4, 4}));
  // Pure green through the BT.601 luma weight 0.587, mapped into [-1, 1].
  EXPECT_NEAR(images[0].mean().item<float>(), 0.587f * 2.0f - 1.0f, 2e-3);

  // Images directly in the folder next to class folders get no label, with a warning.
  write_png(dir.file("loose.png"), solid({0.5f, 0.5f, 0.5f}, 8, 8), {0, 1});
  std::vector<std::string> warnings;
  DatasetOptions warn;
  warn.on_warning = [&](const std::string& w) { warnings.push_back(w); };
  const auto mixed = open_dataset("folder:" + dir.path(), warn);
  ASSERT_EQ(mixed->size(), 5);
  EXPECT_EQ(mixed->item_name(2), dir.file("loose.png"));  // sorted between ant/ and zebra/
  EXPECT_EQ(mixed->label(2), -1);
  EXPECT_EQ(mixed->label(1), 0);
  EXPECT_EQ(mixed->label(3), 1);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("1 image(s) sit directly in the folder"), std::string::npos);
}

TEST(Folder, FlatFolderIsUnlabelledAndNativeShapeComesFromTheFirstImage) {
  TempDir dir;
  write_png(dir.file("1.png"), solid({0.5f}, 10, 6), {0, 1});
  write_png(dir.file("2.PNG"), solid({0.25f, 0.5f, 0.75f}, 20, 20), {0, 1});
  const auto data = open_dataset("folder:" + dir.path());
  ASSERT_EQ(data->size(), 2);
  EXPECT_TRUE(data->class_names().empty());
  EXPECT_EQ(data->label(0), -1);
  EXPECT_EQ(data->image_shape(), (ImageShape{1, 10, 6}));  // grey first image
  // The second is cropped to 6:10, shrunk and made grey.
  EXPECT_EQ(load_all_images(*data).sizes(), (std::vector<int64_t>{2, 1, 10, 6}));

  EXPECT_NE(error_of<DatasetError>([&] {
              open_dataset("folder:" + dir.file("none"));
            }).find("none: no such folder"),
            std::string::npos);
  fs::create_directories(dir.file("empty"));
  EXPECT_NE(error_of<DatasetError>([&] {
              open_dataset("folder:" + dir.file("empty"));
            }).find("no image files found"),
            std::string::npos);
}

TEST(Folder, UnreadableImagesAmongManyAreSkippedWithAWarningNamingThem) {
  TempDir dir;
  fs::create_directories(dir.file("odd"));
  fs::create_directories(dir.file("even"));
  for (int i = 0; i < 12; ++i)
    write_png(dir.file((i % 2 ? "odd/" : "even/") + std::to_string(10 + i) + ".png"),
              solid({float(12 * i) / 255.0f}, 6, 6), {0, 1});
  const std::string png = encode_png(solid({0.3f}, 6, 6), {0, 1});
  write_bytes(dir.file("even/13-cut.png"), png.substr(0, png.size() / 2));
  write_bytes(dir.file("odd/13-empty.jpg"), "");
  write_bytes(dir.file("odd/14-text.png"), "this is not a picture at all");
  std::vector<std::string> warnings;
  DatasetOptions options;
  options.on_warning = [&](const std::string& w) { warnings.push_back(w); };
  const auto data = open_dataset("folder:" + dir.path(), options);
  ASSERT_EQ(data->size(), 12);
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_EQ(warnings[0],
            dir.file("even/13-cut.png") + ": skipped, truncated PNG (no IEND chunk at its end)");
  EXPECT_EQ(warnings[1], dir.file("odd/13-empty.jpg") + ": skipped, empty file");
  EXPECT_EQ(warnings[2],
            dir.file("odd/14-text.png") + ": skipped, not an image format OpenCV can read");
  EXPECT_NE(warnings[3].find("skipped 3 unreadable image file(s); 12 images remain"),
            std::string::npos);
  // Every remaining image keeps its own label: the file name says which folder it came from.
  const auto labels = load_all_labels(*data);
  const auto images = load_all_images(*data);
  for (int64_t i = 0; i < data->size(); ++i) {
    const int n = std::stoi(fs::path(data->item_name(i)).stem().string());
    EXPECT_EQ(data->class_names()[size_t(labels[i].item<int64_t>())], n % 2 ? "odd" : "even");
    EXPECT_NEAR(images[i].mean().item<float>(), float(12 * (n - 10)) / 255.0f, 1e-6);
  }

  {
    // Encoders load data inside InferenceMode; the parallel decoding must work there too.
    torch::InferenceMode guard;
    EXPECT_TRUE(torch::equal(load_all_images(*data), images));
  }

  // Damage that only decoding finds: image() and load_all_images() name the file.
  std::string damaged = png;
  for (size_t k = 40; k < 60 && k < damaged.size() - 12; ++k) damaged[k] = char(0xA5);
  write_bytes(dir.file("odd/15-damaged.png"), damaged);
  const auto with_damage = open_dataset("folder:" + dir.path());
  ASSERT_EQ(with_damage->size(), 13);
  int64_t bad = -1;
  for (int64_t i = 0; i < with_damage->size(); ++i)
    if (with_damage->item_name(i) == dir.file("odd/15-damaged.png")) bad = i;
  ASSERT_GE(bad, 0);
  const auto one = error_of<DatasetError>([&] { with_damage->image(bad); });
  EXPECT_EQ(one.rfind(dir.file("odd/15-damaged.png") + ": ", 0), 0u) << one;
  const auto all = error_of<DatasetError>([&] { load_all_images(*with_damage); });
  EXPECT_NE(all.find("1 image(s) cannot be decoded: " + dir.file("odd/15-damaged.png")),
            std::string::npos)
      << all;
}

// --- CelebA layout -------------------------------------------------------------------------

TEST(Celeba, ReadsAttributesAndImagesInFileOrder) {
  TempDir dir;
  write_celeba(dir, kGoodAttributes, 3);
  const auto data = open_dataset("celeba:" + dir.path());
  ASSERT_EQ(data->size(), 3);
  EXPECT_EQ(data->image_shape(), (ImageShape{3, 64, 64}));
  EXPECT_EQ(data->attribute_names(), (std::vector<std::string>{"Smiling", "Eyeglasses", "Male"}));
  EXPECT_EQ(data->attributes(1), (std::vector<int8_t>{-1, 1, 1}));
  EXPECT_TRUE(data->class_names().empty());
  const auto attributes = load_all_attributes(*data);
  EXPECT_TRUE(torch::equal(
      attributes, torch::tensor({1, -1, -1, -1, 1, 1, 1, 1, -1}, torch::kInt8).view({3, 3})));
  DatasetOptions options;
  options.image_shape = ImageShape{3, 16, 16};
  options.output_range = {-1.0f, 1.0f};
  const auto small = open_dataset("celeba:" + dir.path(), options);
  const auto images = load_all_images(*small);
  ASSERT_EQ(images.sizes(), (std::vector<int64_t>{3, 3, 16, 16}));
  // Image 2 is the colour (0.2, 0.5, 0.8), stored as 51, 128, 204 of 255.
  const auto expected = solid({51 / 127.5f - 1, 128 / 127.5f - 1, 204 / 127.5f - 1}, 16, 16);
  EXPECT_TRUE(torch::allclose(images[1], expected, 1e-5, 1e-5));
}

TEST(Celeba, RealSizedImagesAreCentreCroppedToASquare) {
  TempDir dir;
  fs::create_directories(dir.file(kCelebaImageFolder));
  // 178x218 like real CelebA: red bands of 20 rows above and below a blue 178x178 square.
  auto picture = solid({0.0f, 0.0f, 1.0f}, 218, 178);
  picture.slice(1, 0, 20).copy_(solid({1.0f, 0.0f, 0.0f}, 20, 178));
  picture.slice(1, 198, 218).copy_(solid({1.0f, 0.0f, 0.0f}, 20, 178));
  write_png(dir.file("img_align_celeba/000001.jpg.png"), picture, {0, 1});
  write_bytes(dir.file(kCelebaAttributeFile), "1\nSmiling\n000001.jpg.png 1\n");
  const auto native = open_dataset("celeba:" + dir.path());
  EXPECT_EQ(native->image_shape(), (ImageShape{3, 178, 178}));
  EXPECT_TRUE(torch::equal(native->image(0), solid({0.0f, 0.0f, 1.0f}, 178, 178)));
  DatasetOptions options;
  options.image_shape = ImageShape{3, 64, 64};
  const auto resized = open_dataset("celeba:" + dir.path(), options);
  EXPECT_TRUE(torch::allclose(resized->image(0), solid({0.0f, 0.0f, 1.0f}, 64, 64)));
}

TEST(Celeba, MalformedAttributeFilesNameTheLine) {
  TempDir dir;
  write_celeba(dir, kGoodAttributes, 3);
  const std::string file = dir.file(kCelebaAttributeFile);
  auto expect_error = [&](const std::string& text, const std::string& part) {
    write_bytes(file, text);
    const auto message = error_of<DatasetError>([&] { open_dataset("celeba:" + dir.path()); });
    EXPECT_NE(message.find(part), std::string::npos) << "got: " << message;
  };
  expect_error("three\nSmiling\n", file + ":1: expected the number of images");
  expect_error(
      "3\nSmiling Eyeglasses Male\n000001.png 1 -1 -1\n000002.png -1 1\n000003.png 1 1 -1\n",
      file + ":4: expected 3 values after '000002.png', found 2");
  expect_error(
      "3\nSmiling Eyeglasses Male\n000001.png 1 -1 -1\n000002.png -1 1 1 1\n000003.png 1 1 -1\n",
      file + ":4: expected 3 values after '000002.png', found 4");
  expect_error(
      "3\nSmiling Eyeglasses Male\n000001.png 1 -1 -1\n000002.png -1 0 1\n000003.png 1 1 -1\n",
      file + ":4: value '0' of attribute Eyeglasses for '000002.png' is not 1 or -1");
  expect_error(
      "4\nSmiling Eyeglasses Male\n000001.png 1 -1 -1\n000002.png -1 1 1\n000003.png 1 1 -1\n",
      file + ": the first line declares 4 images but 3 rows follow");
  expect_error(
      "2\nSmiling Eyeglasses Male\n000001.png 1 -1 -1\n000002.png -1 1 1\n000003.png 1 1 -1\n",
      file + ":5: more rows than the 2 images the first line declares");
  expect_error(
      "3\nSmiling Eyeglasses Male\n000001.png 1 -1 -1\n000002.png -1 1 1\n000002.png 1 1 -1\n",
      file + ":5: '000002.png' is listed twice (first at line 4)");
  expect_error("3\nSmiling Smiling Male\n", file + ":2: attribute 'Smiling' appears twice");
  expect_error(
      "3\nSmiling Eyeglasses Male\n000001.png 1 -1 -1\n000009.png -1 1 1\n000003.png 1 1 -1\n",
      file + ":4: image 'img_align_celeba/000009.png' does not exist");
  expect_error("", file + ": empty file");
  fs::remove(file);
  EXPECT_NE(error_of<DatasetError>([&] {
              open_dataset("celeba:" + dir.path());
            }).find(file + ": no such file"),
            std::string::npos);
}

TEST(Celeba, AnUnreadableImageIsSkippedWithItsRow) {
  TempDir dir;
  write_celeba(dir, kGoodAttributes, 3);
  write_bytes(dir.file("img_align_celeba/000002.png"), "broken");
  std::vector<std::string> warnings;
  DatasetOptions options;
  options.on_warning = [&](const std::string& w) { warnings.push_back(w); };
  const auto data = open_dataset("celeba:" + dir.path(), options);
  ASSERT_EQ(data->size(), 2);
  EXPECT_EQ(data->item_name(1), dir.file("img_align_celeba/000003.png"));
  EXPECT_EQ(data->attributes(1), (std::vector<int8_t>{1, 1, -1}));  // row 3, not row 2
  ASSERT_FALSE(warnings.empty());
  EXPECT_EQ(warnings[0], dir.file("img_align_celeba/000002.png") +
                             ": skipped, not an image format OpenCV can read (listed at "
                             "list_attr_celeba.txt:4)");
}

// --- the spec string and loading --------------------------------------------------------------

TEST(DatasetSpec, UnknownOrIncompleteSpecsAreInputErrors) {
  const auto unknown = error_of<InputError>([] { open_dataset("mnist:train"); });
  EXPECT_NE(unknown.find("unknown data set 'mnist:train'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find(
                "fashion-mnist[:train|:test|:all], idx:IMAGES[:LABELS], folder:DIR, celeba:DIR or "
                "faces:seed=S,count=N"),
            std::string::npos);
  EXPECT_NE(error_of<InputError>([] { open_dataset(""); }).find("no data set given"),
            std::string::npos);
  EXPECT_NE(error_of<InputError>([] { open_dataset("idx:"); }).find("needs IMAGES"),
            std::string::npos);
  EXPECT_NE(error_of<InputError>([] { open_dataset("folder"); }).find("needs DIR"),
            std::string::npos);
  DatasetOptions bad_shape;
  bad_shape.image_shape = ImageShape{2, 28, 28};
  EXPECT_THROW(open_dataset("fashion-mnist:test", bad_shape), InputError);
}

TEST(DatasetSpec, LoadAllImagesReportsProgressAndCanBeCancelled) {
  TempDir dir;
  write_idx(dir.file("many.gz"), torch::randint(0, 256, {1300, 4, 4}, torch::kUInt8), true);
  const auto data = open_dataset("idx:" + dir.file("many.gz"));
  std::vector<std::pair<int64_t, int64_t>> calls;
  load_all_images(*data, [&](int64_t done, int64_t total) {
    calls.emplace_back(done, total);
    return true;
  });
  ASSERT_GE(calls.size(), 3u);
  EXPECT_EQ(calls.front(), (std::pair<int64_t, int64_t>{0, 1300}));
  EXPECT_EQ(calls.back(), (std::pair<int64_t, int64_t>{1300, 1300}));
  for (size_t i = 1; i < calls.size(); ++i) EXPECT_GT(calls[i].first, calls[i - 1].first);
  int seen = 0;
  EXPECT_THROW(load_all_images(*data, [&](int64_t, int64_t) { return ++seen < 2; }), Cancelled);
  EXPECT_EQ(seen, 2);
}
