#pragma once
// Data sets of image files decoded on demand (a folder tree, the CelebA layout): a list of
// paths with optional labels and attribute rows, checked once when opened.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace latentlab {

struct ImageFileList {
  std::string root;                      // the folder, for messages
  std::vector<std::string> paths;        // in the data set's order
  std::vector<int64_t> labels;           // empty (no labels) or one per path; -1: none
  std::vector<std::string> class_names;  // names of labels 0..K-1
  std::vector<std::string> attribute_names;
  std::vector<int8_t> attributes;    // paths.size() x attribute_names.size(), row-major, +1 / -1
  std::vector<std::string> origins;  // empty or one per path: where it was listed ("file:line")
};

// Checks the files in order (image_file_problem) until options.limit good ones are found (all
// when 0); a file that fails is dropped with its label and attribute row and a warning naming
// it. The native shape (when options.image_shape is unset) is that of the first image that
// decodes: 1 channel if it is grey, else 3; cropped to a square when square_native is set.
// Throws DatasetError when no readable image is left.
std::unique_ptr<Dataset> make_file_dataset(ImageFileList files, const DatasetOptions& options,
                                           const std::string& spec, bool square_native);

// Sends one warning to options.on_warning, or to stderr when that is unset.
void dataset_warning(const DatasetOptions& options, const std::string& message);

}  // namespace latentlab
