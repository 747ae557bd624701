// open_dataset: the one spec string every CLI verb that takes --data understands.
#include <cmath>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/data/dataset_spec_paths.h"
#include "core/readers/celeba_dataset.h"
#include "core/readers/folder_dataset.h"
#include "core/readers/generated_faces.h"
#include "core/readers/idx_dataset.h"

namespace latentlab {
namespace {

constexpr const char* kSpecForms =
    "fashion-mnist[:train|:test|:all], idx:IMAGES[:LABELS], folder:DIR, celeba:DIR or "
    "faces:seed=S,count=N";

void check_options(const DatasetOptions& options) {
  if (const auto& shape = options.image_shape) {
    if ((shape->channels != 1 && shape->channels != 3) || shape->height < 1 || shape->width < 1 ||
        shape->height > 16384 || shape->width > 16384)
      throw InputError("cannot convert data set images to shape " + to_string(*shape) +
                       " (1 or 3 channels and a size of 1 to 16384 pixels are needed)");
  }
  const auto& range = options.output_range;
  if (!std::isfinite(range.lo) || !std::isfinite(range.hi) || range.lo == range.hi)
    throw InputError("invalid output range [" + std::to_string(range.lo) + ", " +
                     std::to_string(range.hi) + "]");
  if (options.limit < 0) throw InputError("a data set limit cannot be negative");
}

std::string required_path(const std::string& kind, const std::string& rest, const char* what) {
  if (rest.empty())
    throw InputError("data set '" + kind + ":' needs " + what + " (" + kind + ":" + what + ")");
  return rest;
}

}  // namespace

std::unique_ptr<Dataset> open_dataset(const std::string& spec, const DatasetOptions& options) {
  check_options(options);
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "fashion-mnist")
    return open_fashion_mnist(colon == std::string::npos ? "train" : rest, options, spec);
  if (kind == "idx") {
    const auto [images, labels] = split_idx_paths(required_path(kind, rest, "IMAGES"));
    return open_idx_dataset(images, labels, options, spec);
  }
  if (kind == "folder") return open_folder_dataset(required_path(kind, rest, "DIR"), options, spec);
  if (kind == "celeba") return open_celeba_dataset(required_path(kind, rest, "DIR"), options, spec);
  if (kind == "faces") return open_generated_faces(rest, options, spec);
  if (spec.empty()) throw InputError(std::string("no data set given: expected ") + kSpecForms);
  throw InputError("unknown data set '" + spec + "': expected " + kSpecForms);
}

}  // namespace latentlab
