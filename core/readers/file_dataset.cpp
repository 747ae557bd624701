#include "core/readers/file_dataset.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <string_view>

#include "core/common/error.h"
#include "core/image/image_header.h"
#include "core/image/image_io.h"
#include "core/io/atomic_file.h"

namespace latentlab {
namespace {

constexpr size_t kMaxWarningsListed = 20;  // then one line for the rest
constexpr size_t kMinCheckBatch = 256;     // files checked in parallel at a time
constexpr int64_t kCheckGrain = 16;        // a check costs one open and two small reads
constexpr size_t kTailBytes = 4096;        // end markers are searched here: tolerates trailing junk

namespace fs = std::filesystem;

// Why a file cannot be a whole, readable image, from a cheap look at its first and last bytes:
// empty, a format OpenCV cannot read, a PNG without its IEND chunk or a JPEG without its
// end-of-image marker (truncated copies: OpenCV decodes a cut JPEG to a half-grey image
// without complaint). Empty when it looks whole. Damage inside the data shows only on decoding.
std::string image_file_problem(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return "cannot be read (" + ec.message() + ")";
  if (size == 0) return "empty file";
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string("cannot be opened (") + std::strerror(errno) + ")";
  unsigned char head[8] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const auto head_bytes = size_t(in.gcount());
  const bool png =
      head_bytes == 8 && std::string_view(reinterpret_cast<const char*>(head), 8) == kPngSignature;
  const bool jpeg = head_bytes >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
  if (png || jpeg) {
    const auto tail_size = size_t(std::min<uint64_t>(size, kTailBytes));
    std::string tail(tail_size, '\0');
    in.clear();
    in.seekg(std::streamoff(size - tail_size));
    in.read(tail.data(), std::streamsize(tail_size));
    if (size_t(in.gcount()) != tail_size) return "cannot be read to its end";
    if (png && tail.find("IEND") == std::string::npos)
      return "truncated PNG (no IEND chunk at its end)";
    if (jpeg && tail.find("\xFF\xD9") == std::string::npos)
      return "truncated JPEG (no end-of-image marker)";
    return {};
  }
  try {
    if (!cv::haveImageReader(path)) return "not an image format OpenCV can read";
  } catch (const cv::Exception&) {
    return "not an image format OpenCV can read";
  }
  return {};
}

class FileDataset : public Dataset {
 public:
  FileDataset(std::string spec, ImageFileList files, ImageShape shape, OutputRange range)
      : spec_(std::move(spec)), files_(std::move(files)), shape_(shape), range_(range) {}

  std::string spec() const override { return spec_; }
  int64_t size() const override { return int64_t(files_.paths.size()); }
  ImageShape image_shape() const override { return shape_; }

  torch::Tensor image(int64_t index) const override {
    check_index(index);
    const std::string& path = files_.paths[size_t(index)];
    try {
      return read_image(path, shape_, range_);
    } catch (const Error& e) {
      throw DatasetError(e.what());
    } catch (const std::exception& e) {  // cv::Exception, c10::Error: add the path
      throw DatasetError(path + ": cannot be converted (" + e.what() + ")");
    }
  }

  std::vector<std::string> class_names() const override { return files_.class_names; }
  int64_t label(int64_t index) const override {
    check_index(index);
    return files_.labels.empty() ? -1 : files_.labels[size_t(index)];
  }
  std::vector<std::string> attribute_names() const override { return files_.attribute_names; }
  std::vector<int8_t> attributes(int64_t index) const override {
    check_index(index);
    const size_t columns = files_.attribute_names.size();
    const auto row = files_.attributes.begin() + std::ptrdiff_t(size_t(index) * columns);
    return std::vector<int8_t>(row, row + std::ptrdiff_t(columns));
  }
  std::string item_name(int64_t index) const override {
    check_index(index);
    return files_.paths[size_t(index)];
  }

 private:
  void check_index(int64_t index) const {
    if (index < 0 || index >= size())
      throw InputError("image index " + std::to_string(index) + " is outside " + spec_ + " (" +
                       std::to_string(size()) + " images)");
  }

  std::string spec_;
  ImageFileList files_;
  ImageShape shape_;
  OutputRange range_;
};

// The shape a set of images takes by default: that of its first image. Throws ImageError.
ImageShape shape_of(const std::string& path, bool square) {
  torch::Tensor hwc;
  try {
    hwc = decode_png_bytes(read_file(path));  // decodes any format, not only PNG
  } catch (const Error& e) {
    std::string what = e.what();
    const std::string prefix = "<image bytes>: ";
    if (what.rfind(prefix, 0) == 0) what = what.substr(prefix.size());
    throw ImageError(path + ": " + what);
  }
  const int64_t channels = hwc.size(2) == 1 ? 1 : 3;
  if (!square) return {channels, hwc.size(0), hwc.size(1)};
  const int64_t side = std::min(hwc.size(0), hwc.size(1));
  return {channels, side, side};
}

}  // namespace

void dataset_warning(const DatasetOptions& options, const std::string& message) {
  if (options.on_warning)
    options.on_warning(message);
  else
    std::cerr << "warning: " << message << std::endl;
}

std::unique_ptr<Dataset> make_file_dataset(ImageFileList files, const DatasetOptions& options,
                                           const std::string& spec, bool square_native) {
  const size_t total = files.paths.size();
  const size_t wanted = options.limit > 0 ? std::min(total, size_t(options.limit)) : total;
  std::optional<ImageShape> shape = options.image_shape;
  std::vector<size_t> kept;
  std::vector<std::pair<size_t, std::string>> skipped;  // index, why
  // Checks run in parallel batches, in order, and stop as soon as enough good files are found.
  for (size_t next = 0; kept.size() < wanted && next < total;) {
    const size_t end = std::min(total, next + std::max(wanted - kept.size(), kMinCheckBatch));
    std::vector<std::string> problems(end - next);
    at::parallel_for(int64_t(next), int64_t(end), kCheckGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        problems[size_t(i) - next] = image_file_problem(files.paths[size_t(i)]);
    });
    for (size_t i = next; i < end && kept.size() < wanted; ++i) {
      std::string problem = problems[i - next];
      if (problem.empty() && !shape) {
        try {  // the first image fixes the native shape, so it must decode
          shape = shape_of(files.paths[i], square_native);
        } catch (const Error& e) {
          problem = e.what();
          const std::string prefix = files.paths[i] + ": ";
          if (problem.rfind(prefix, 0) == 0) problem = problem.substr(prefix.size());
        }
      }
      if (problem.empty())
        kept.push_back(i);
      else
        skipped.emplace_back(i, std::move(problem));
    }
    next = end;
  }

  for (size_t k = 0; k < skipped.size() && k < kMaxWarningsListed; ++k) {
    const auto& [index, why] = skipped[k];
    std::string line = files.paths[index] + ": skipped, " + why;
    if (!files.origins.empty()) line += " (listed at " + files.origins[index] + ")";
    dataset_warning(options, line);
  }
  if (skipped.size() > kMaxWarningsListed)
    dataset_warning(options, "... and " + std::to_string(skipped.size() - kMaxWarningsListed) +
                                 " more unreadable image files skipped");
  if (kept.empty()) {
    std::string message =
        files.root + ": none of the " + std::to_string(total) + " image files can be read";
    if (!skipped.empty())
      message += " (" + files.paths[skipped[0].first] + ": " + skipped[0].second + ")";
    throw DatasetError(message);
  }
  if (!skipped.empty())
    dataset_warning(options, files.root + ": skipped " + std::to_string(skipped.size()) +
                                 " unreadable image file(s); " + std::to_string(kept.size()) +
                                 " images remain, each with its own label");

  // Keep the good files with their own labels and attribute rows.
  ImageFileList chosen;
  chosen.root = files.root;
  chosen.class_names = std::move(files.class_names);
  chosen.attribute_names = std::move(files.attribute_names);
  const size_t columns = chosen.attribute_names.size();
  for (size_t i : kept) {
    chosen.paths.push_back(std::move(files.paths[i]));
    if (!files.labels.empty()) chosen.labels.push_back(files.labels[i]);
    if (columns) {
      const auto row = files.attributes.begin() + std::ptrdiff_t(i * columns);
      chosen.attributes.insert(chosen.attributes.end(), row, row + std::ptrdiff_t(columns));
    }
    if (!files.origins.empty()) chosen.origins.push_back(std::move(files.origins[i]));
  }
  return std::make_unique<FileDataset>(spec, std::move(chosen), *shape, options.output_range);
}

}  // namespace latentlab
