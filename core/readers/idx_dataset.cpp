#include "core/readers/idx_dataset.h"

#include <torch/torch.h>

#include <filesystem>
#include <opencv2/core.hpp>

#include "core/common/error.h"
#include "core/readers/idx_reader.h"

namespace latentlab {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kConvertGrain = int64_t(1) << 20;  // pixels per cv::LUT call (< INT_MAX)

// One IDX images file of a data set and the index of its first image there: a set may join
// several files (fashion-mnist:all), and an item's name must say which one it comes from.
struct IdxPart {
  std::string images_path;
  int64_t first = 0;
};

// All pixels stay in memory as uint8 [N, H, W] (47 MB for Fashion-MNIST train); images are
// converted to float on request, whole ranges in one tensor operation. Another shape is made
// the way read_image makes it (centre crop, area averaging when shrinking, bilinear when
// enlarging, grey copied to RGB), on the whole batch at once.
class IdxDataset : public Dataset {
 public:
  IdxDataset(std::string spec, std::vector<IdxPart> parts, torch::Tensor pixels,
             std::vector<int64_t> labels, std::vector<std::string> class_names, ImageShape shape,
             OutputRange range)
      : spec_(std::move(spec)),
        parts_(std::move(parts)),
        pixels_(std::move(pixels)),
        labels_(std::move(labels)),
        class_names_(std::move(class_names)),
        shape_(shape),
        range_(range),
        native_(shape == ImageShape{1, pixels_.size(1), pixels_.size(2)}) {}

  std::string spec() const override { return spec_; }
  int64_t size() const override { return pixels_.size(0); }
  ImageShape image_shape() const override { return shape_; }

  torch::Tensor image(int64_t index) const override {
    check_index(index);
    return images(index, index + 1)[0];
  }

  void read_images(int64_t begin, torch::Tensor out) const override {
    const int64_t end = begin + out.size(0);
    if (!out.is_contiguous() || out.scalar_type() != torch::kFloat32 ||
        out.sizes() !=
            torch::IntArrayRef{end - begin, shape_.channels, shape_.height, shape_.width})
      throw InputError(
          "read_images: expects a contiguous float32 tensor [n, C, H, W] of the data "
          "set's shape");
    if (begin < 0 || end > size())
      throw InputError("image range [" + std::to_string(begin) + ", " + std::to_string(end) +
                       ") is outside " + spec_ + " (" + std::to_string(size()) + " images)");
    const auto bytes = pixels_.slice(0, begin, end).unsqueeze(1);
    const float scale = (range_.hi - range_.lo) / 255.0f;
    if (native_) {
      // One pass through a 256-entry table (OpenCV's LUT) straight into out: exact end points
      // (0 -> lo, 255 -> hi; a multiply-add gives 1.0000001 for [-1, 1]) and 6x faster than
      // LibTorch 1.13's uint8 * float (measured on 60,000 images: 0.05 s vs 0.32 s).
      cv::Mat table(1, 256, CV_32F);
      for (int v = 0; v < 256; ++v)
        table.at<float>(v) = float(double(range_.lo) + v * (double(range_.hi) - range_.lo) / 255.0);
      const auto* source = pixels_.slice(0, begin, end).data_ptr<uint8_t>();
      auto* target = out.data_ptr<float>();
      at::parallel_for(0, out.numel(), kConvertGrain, [&](int64_t b, int64_t e) {
        for (int64_t first = b; first < e; first += kConvertGrain) {
          const int n = int(std::min(e - first, kConvertGrain));
          const cv::Mat from(1, n, CV_8U, const_cast<uint8_t*>(source + first));
          cv::Mat to(1, n, CV_32F, target + first);
          cv::LUT(from, table, to);
        }
      });
      return;
    }
    out.copy_(resized(bytes.to(torch::kFloat32)));
    out.mul_(scale).add_(range_.lo);
  }

  std::vector<std::string> class_names() const override { return class_names_; }
  int64_t label(int64_t index) const override {
    check_index(index);
    return labels_.empty() ? -1 : labels_[size_t(index)];
  }
  std::string item_name(int64_t index) const override {
    auto part = parts_.begin();
    while (part + 1 != parts_.end() && (part + 1)->first <= index) ++part;
    return part->images_path + " #" + std::to_string(index - part->first);
  }

 private:
  void check_index(int64_t index) const {
    if (index < 0 || index >= size())
      throw InputError("image index " + std::to_string(index) + " is outside " + spec_ + " (" +
                       std::to_string(size()) + " images)");
  }
  // [n, 1, h, w] float -> [n, C, H, W] of the target shape, values unchanged.
  torch::Tensor resized(torch::Tensor x) const {
    // Centre crop to the target aspect ratio, comparing w * H with W * h in integers.
    const int64_t h = x.size(2), w = x.size(3), th = shape_.height, tw = shape_.width;
    if (w * th > tw * h) {
      const int64_t crop = std::max<int64_t>(1, (h * tw + th / 2) / th);
      x = x.narrow(3, (w - crop) / 2, crop);
    } else if (w * th < tw * h) {
      const int64_t crop = std::max<int64_t>(1, (w * th + tw / 2) / tw);
      x = x.narrow(2, (h - crop) / 2, crop);
    }
    if (x.size(2) != th || x.size(3) != tw) {
      namespace F = torch::nn::functional;
      const bool shrinking = x.size(2) >= th && x.size(3) >= tw;
      auto options = F::InterpolateFuncOptions().size(std::vector<int64_t>{th, tw});
      x = shrinking ? F::interpolate(x, options.mode(torch::kArea))
                    : F::interpolate(x, options.mode(torch::kBilinear).align_corners(false));
    }
    return shape_.channels == 3 ? x.expand({-1, 3, -1, -1}) : x;
  }

  std::string spec_;
  std::vector<IdxPart> parts_;   // by first index
  torch::Tensor pixels_;         // uint8 [N, H, W]
  std::vector<int64_t> labels_;  // one per image, or empty
  std::vector<std::string> class_names_;
  ImageShape shape_;
  OutputRange range_;
  bool native_;  // shape_ is the files' own: no resize needed
};

// path + ".gz" when that exists, else path when that exists; empty when neither does.
std::string existing_variant(const std::string& path) {
  std::error_code ec;
  if (fs::exists(path + ".gz", ec)) return path + ".gz";
  if (fs::exists(path, ec)) return path;
  return {};
}

}  // namespace

const std::vector<std::string>& fashion_mnist_classes() {
  static const std::vector<std::string> kClasses = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return kClasses;
}

namespace {

struct IdxImages {
  torch::Tensor pixels;  // uint8 [N, H, W]
  torch::Tensor labels;  // int64 [N], undefined without a labels file
};

// One images file and its labels (may be empty), the labels checked against the images and the
// class names (which are made "0".."max" when empty and there are labels).
IdxImages read_idx_pair(const std::string& images_path, const std::string& labels_path,
                        std::vector<std::string>& class_names) {
  IdxImages read{read_idx_images(images_path), {}};
  if (labels_path.empty()) return read;
  read.labels = read_idx_labels(labels_path).to(torch::kInt64);
  const auto& labels = read.labels;
  if (labels.size(0) != read.pixels.size(0))
    throw DatasetError(labels_path + ": holds " + std::to_string(labels.size(0)) + " labels but " +
                       images_path + " holds " + std::to_string(read.pixels.size(0)) + " images");
  const int64_t max_label = labels.max().item<int64_t>();
  if (class_names.empty()) {
    for (int64_t k = 0; k <= max_label; ++k) class_names.push_back(std::to_string(k));
  } else if (max_label >= int64_t(class_names.size())) {
    const int64_t at = (labels >= int64_t(class_names.size())).nonzero()[0][0].item<int64_t>();
    throw DatasetError(labels_path + ": label " + std::to_string(labels[at].item<int64_t>()) +
                       " of image #" + std::to_string(at) + " is not one of the " +
                       std::to_string(class_names.size()) + " classes");
  }
  return read;
}

// The (images, labels) files joined in order into one data set.
std::unique_ptr<Dataset> open_idx_files(
    const std::vector<std::pair<std::string, std::string>>& files, const DatasetOptions& options,
    const std::string& spec, std::vector<std::string> class_names) {
  std::vector<torch::Tensor> pixel_parts, label_parts;
  std::vector<IdxPart> parts;
  int64_t count = 0;
  for (const auto& [images_path, labels_path] : files) {
    auto read = read_idx_pair(images_path, labels_path, class_names);
    if (!pixel_parts.empty() && read.pixels.sizes().slice(1) != pixel_parts[0].sizes().slice(1))
      throw DatasetError(images_path + ": its images are not the size of " + parts[0].images_path +
                         "'s");
    parts.push_back({images_path, count});
    count += read.pixels.size(0);
    pixel_parts.push_back(read.pixels);
    if (read.labels.defined()) label_parts.push_back(read.labels);
  }
  auto pixels = pixel_parts.size() == 1 ? pixel_parts[0] : torch::cat(pixel_parts);
  torch::Tensor labels;
  if (!label_parts.empty())
    labels = label_parts.size() == 1 ? label_parts[0] : torch::cat(label_parts);
  if (!labels.defined()) class_names.clear();
  if (options.limit > 0 && options.limit < pixels.size(0)) {
    pixels = pixels.narrow(0, 0, options.limit).clone();
    if (labels.defined()) labels = labels.narrow(0, 0, options.limit).clone();
  }
  const ImageShape native{1, pixels.size(1), pixels.size(2)};
  std::vector<int64_t> label_list;
  if (labels.defined()) {
    const auto contiguous = labels.contiguous();
    label_list.assign(contiguous.data_ptr<int64_t>(),
                      contiguous.data_ptr<int64_t>() + contiguous.numel());
  }
  return std::make_unique<IdxDataset>(spec, std::move(parts), std::move(pixels),
                                      std::move(label_list), std::move(class_names),
                                      options.image_shape.value_or(native), options.output_range);
}

}  // namespace

std::unique_ptr<Dataset> open_idx_dataset(const std::string& images_path,
                                          const std::string& labels_path,
                                          const DatasetOptions& options, const std::string& spec,
                                          std::vector<std::string> class_names) {
  return open_idx_files({{images_path, labels_path}}, options, spec, std::move(class_names));
}

std::unique_ptr<Dataset> open_fashion_mnist(const std::string& split, const DatasetOptions& options,
                                            const std::string& spec) {
  if (split != "train" && split != "test" && split != "all")
    throw InputError("unknown Fashion-MNIST split '" + split + "' in '" + spec +
                     "' (expected train, test or all)");
  const fs::path dir =
      options.data_dir.empty() ? fs::path(kFashionMnistDir) : fs::path(options.data_dir);
  std::vector<std::pair<std::string, std::string>> files;
  // all: the 60,000 training images, then the 10,000 test images.
  for (const std::string prefix : {"train", "t10k"}) {
    if (split != "all" && (prefix == "train") != (split == "train")) continue;
    const std::string images_name = (dir / (prefix + "-images-idx3-ubyte")).string();
    const std::string labels_name = (dir / (prefix + "-labels-idx1-ubyte")).string();
    const std::string images = existing_variant(images_name);
    const std::string labels = existing_variant(labels_name);
    if (images.empty() || labels.empty())
      throw DatasetError((images.empty() ? images_name : labels_name) +
                         ".gz: no such file (Fashion-MNIST is looked for in " + dir.string() +
                         "; install the Debian package dataset-fashion-mnist or pass --data-dir)");
    files.emplace_back(images, labels);
  }
  return open_idx_files(files, options, spec, fashion_mnist_classes());
}

}  // namespace latentlab
