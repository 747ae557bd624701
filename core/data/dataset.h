#pragma once
// Folder core/data/ (LibTorch only). The data-set interface (this file), batch loading into
// tensors, and the paths inside a spec (dataset_spec_paths.h). The readers that implement it for
// IDX files, image folders, CelebA and the synthetic faces live in core/readers/ (they need
// OpenCV).
//
// Data sets: one interface for Fashion-MNIST, any IDX pair, a folder of images, the CelebA layout
// and the project's synthetic faces, opened from one spec string understood by every CLI verb that
// takes --data:
//   fashion-mnist[:train|:test|:all]   idx:IMAGES[:LABELS]   folder:DIR   celeba:DIR
//   faces:seed=S,count=N[,size=P]   (rendered into the cache folder on first use)
//
// Bad files: a malformed IDX or attribute file is an error (DatasetError naming the file and,
// for text, the line). Image files are checked when a folder/CelebA set is opened: one that is
// empty, of an unknown format or visibly truncated (PNG without IEND, JPEG without its end
// marker) is skipped with a warning naming it, together with its label or attribute row, so one
// bad file among thousands neither stops the set nor shifts a label. Damage that only decoding
// finds makes image() throw, and load_all_images() throws naming every such file.
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/types.h"

namespace latentlab {

struct DatasetOptions {
  // Images are converted to this shape (centre crop to the aspect ratio, resize, grey/RGB
  // conversion). Unset: the data set's own shape.
  std::optional<ImageShape> image_shape;
  OutputRange output_range{0.0f, 1.0f};  // pixel values are mapped into this range
  std::string data_dir;                  // where fashion-mnist IDX files are (default: Debian's)
  int64_t limit = 0;                     // use at most this many images (0: all)
  // Receives warnings about skipped files (one line each). Unset: printed to stderr.
  std::function<void(const std::string&)> on_warning;
  // Progress of preparing a generated data set (faces:...) the first time it is opened: (done,
  // total), from the opening thread; returning false cancels (Cancelled). Unset: silent.
  std::function<bool(int64_t, int64_t)> on_progress;
};

class Dataset {
 public:
  virtual ~Dataset() = default;

  virtual std::string spec() const = 0;  // the spec string it was opened from
  virtual int64_t size() const = 0;
  virtual ImageShape image_shape() const = 0;  // shape of image(i)
  // [C, H, W] float32 in the options' output range. Throws DatasetError for an unreadable image.
  virtual torch::Tensor image(int64_t index) const = 0;

  // Class labels (Fashion-MNIST classes, folder names); empty names: no labels.
  virtual std::vector<std::string> class_names() const { return {}; }
  virtual int64_t label(int64_t /*index*/) const { return -1; }

  // Named binary attributes (CelebA): names, and one value per name for an image (+1 / -1).
  virtual std::vector<std::string> attribute_names() const { return {}; }
  virtual std::vector<int8_t> attributes(int64_t /*index*/) const { return {}; }

  // A name for image index, for messages and thumbnails: the file path, or "IDX-file #index".
  virtual std::string item_name(int64_t index) const { return "#" + std::to_string(index); }

  // Writes images [begin, begin + out.size(0)) into out, a contiguous float32 tensor
  // [n, C, H, W] (load_all_images passes slices of its result, so nothing is copied twice).
  // The default decodes image(i) in parallel and throws DatasetError naming every image that
  // failed; in-memory sources (IDX) convert the whole range in one tensor operation.
  virtual void read_images(int64_t begin, torch::Tensor out) const;

  // Images [begin, end) as one tensor [end - begin, C, H, W] (through read_images).
  torch::Tensor images(int64_t begin, int64_t end) const;
};

// Throws DatasetError naming the file (and line) for any malformed source.
std::unique_ptr<Dataset> open_dataset(const std::string& spec, const DatasetOptions& options = {});

// Every image decoded into one tensor [N, C, H, W] (for training and encoding in batches);
// calls progress(done, total) now and then; progress returning false cancels (throws Cancelled).
torch::Tensor load_all_images(const Dataset& data,
                              const std::function<bool(int64_t, int64_t)>& progress = {});
// Labels as an int64 tensor [N] (-1 where unlabelled).
torch::Tensor load_all_labels(const Dataset& data);
// Attributes as an int8 tensor [N, A] of +1 / -1, columns in attribute_names() order ([N, 0]
// when the set has none).
torch::Tensor load_all_attributes(const Dataset& data);

// Where fashion-mnist is looked for when DatasetOptions::data_dir is empty.
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

}  // namespace latentlab
