#pragma once
// folder:DIR: every image file in a folder tree, in sorted path order (the same order on every
// machine). Images in sub-folders are labelled by the name of their top-level sub-folder under
// DIR (classes sorted by name, like torchvision's ImageFolder); images directly in DIR then get
// no label (-1) and a warning. Hidden files and folders (".name") are ignored.
#include <memory>
#include <string>

#include "core/data/dataset.h"

namespace latentlab {

// Throws DatasetError when DIR is missing or holds no readable image; unreadable files are
// skipped with a warning (see make_file_dataset).
std::unique_ptr<Dataset> open_folder_dataset(const std::string& dir, const DatasetOptions& options,
                                             const std::string& spec);

}  // namespace latentlab
