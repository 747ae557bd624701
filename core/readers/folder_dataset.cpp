#include "core/readers/folder_dataset.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "core/common/error.h"
#include "core/readers/file_dataset.h"

namespace latentlab {
namespace {

namespace fs = std::filesystem;

bool has_image_extension(const std::string& name) {
  static const char* const kExtensions[] = {".png",  ".jpg", ".jpeg", ".jpe", ".bmp", ".dib",
                                            ".webp", ".tif", ".tiff", ".pbm", ".pgm", ".ppm",
                                            ".pnm",  ".sr",  ".ras",  ".jp2"};
  std::string ext = fs::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

}  // namespace

std::unique_ptr<Dataset> open_folder_dataset(const std::string& dir, const DatasetOptions& options,
                                             const std::string& spec) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw DatasetError(dir + (fs::exists(dir, ec) ? ": not a folder" : ": no such folder"));
  std::vector<fs::path> relative;
  try {
    const fs::path root(dir);
    for (auto it =
             fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied);
         it != fs::recursive_directory_iterator(); ++it) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {  // .git, macOS "._x.jpg" resource forks, ...
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && has_image_extension(name))
        relative.push_back(it->path().lexically_relative(root));
    }
  } catch (const fs::filesystem_error& e) {
    throw DatasetError(dir + ": cannot be listed (" + e.what() + ")");
  }
  if (relative.empty())
    throw DatasetError(dir + ": no image files found in the folder or its sub-folders " +
                       "(looked for png, jpg, jpeg, bmp, webp, tif, tiff, pgm, ppm, ...)");
  std::sort(relative.begin(), relative.end(), [](const fs::path& a, const fs::path& b) {
    return a.generic_string() < b.generic_string();
  });

  ImageFileList files;
  files.root = dir;
  std::map<std::string, int64_t> classes;  // sorted by name
  size_t at_root = 0;
  for (const auto& path : relative) {
    if (std::distance(path.begin(), path.end()) > 1)
      classes.emplace(path.begin()->string(), 0);
    else
      ++at_root;
  }
  if (!classes.empty()) {
    for (auto& [name, label] : classes) {
      label = int64_t(files.class_names.size());
      files.class_names.push_back(name);
    }
    if (at_root)
      dataset_warning(options, dir + ": " + std::to_string(at_root) +
                                   " image(s) sit directly in the folder, not in a class " +
                                   "sub-folder: they have no label (-1)");
  }
  for (const auto& path : relative) {
    files.paths.push_back((fs::path(dir) / path).string());
    if (!classes.empty())
      files.labels.push_back(
          std::distance(path.begin(), path.end()) > 1 ? classes.at(path.begin()->string()) : -1);
  }
  return make_file_dataset(std::move(files), options, spec, /*square_native=*/false);
}

}  // namespace latentlab
