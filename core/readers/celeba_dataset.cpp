#include "core/readers/celeba_dataset.h"

#include <ATen/Parallel.h>

#include <atomic>
#include <filesystem>

#include "core/common/error.h"
#include "core/readers/file_dataset.h"

namespace latentlab {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kExistGrain = 256;  // one stat() per row

}  // namespace

std::unique_ptr<Dataset> open_celeba_dataset(const std::string& dir, const DatasetOptions& options,
                                             const std::string& spec) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw DatasetError(dir + (fs::exists(dir, ec) ? ": not a folder" : ": no such folder"));
  const fs::path root(dir);
  const std::string attribute_path = (root / kCelebaAttributeFile).string();
  const fs::path image_dir = root / kCelebaImageFolder;
  if (!fs::exists(attribute_path, ec))
    throw DatasetError(attribute_path + ": no such file (the CelebA layout is DIR/" +
                       kCelebaImageFolder + "/ with DIR/" + kCelebaAttributeFile + ")");
  if (!fs::is_directory(image_dir, ec))
    throw DatasetError(image_dir.string() + ": no such folder (the CelebA layout is DIR/" +
                       kCelebaImageFolder + "/ with DIR/" + kCelebaAttributeFile + ")");
  auto attributes = read_celeba_attributes(attribute_path);

  // Every row must have its image: a missing one means the file and the folder disagree, and
  // guessing which rows belong to which images could give wrong labels.
  const auto rows = int64_t(attributes.images.size());
  std::vector<std::string> paths(static_cast<size_t>(rows));
  std::atomic<int64_t> first_missing{rows};
  at::parallel_for(0, rows, kExistGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      paths[size_t(i)] = (image_dir / attributes.images[size_t(i)]).string();
      std::error_code exists_error;
      if (!fs::is_regular_file(paths[size_t(i)], exists_error)) {
        int64_t current = first_missing.load();
        while (i < current && !first_missing.compare_exchange_weak(current, i)) {
        }
      }
    }
  });
  if (first_missing < rows) {
    const auto i = size_t(first_missing.load());
    throw DatasetError(attribute_path + ":" + std::to_string(attributes.lines[i]) + ": image '" +
                       kCelebaImageFolder + "/" + attributes.images[i] + "' does not exist");
  }

  ImageFileList files;
  files.root = dir;
  files.paths = std::move(paths);
  files.attribute_names = std::move(attributes.names);
  files.attributes = std::move(attributes.values);
  for (int64_t line : attributes.lines)
    files.origins.push_back(std::string(kCelebaAttributeFile) + ":" + std::to_string(line));
  return make_file_dataset(std::move(files), options, spec, /*square_native=*/true);
}

}  // namespace latentlab
