#pragma once
// celeba:DIR: the CelebA layout, DIR/img_align_celeba/ + DIR/list_attr_celeba.txt:
//   line 1: the number of images; line 2: the attribute names;
//   then one row per image: "NAME v1 v2 ..." with each v 1 or -1.
// Real CelebA images are 178x218: by default they are centre-cropped to a square (178x178);
// with DatasetOptions::image_shape they are cropped and resized to it. The project's synthetic
// faces (latentlab-cli make-faces) use the same layout with 64x64 PNGs.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dataset.h"

namespace latentlab {

constexpr const char* kCelebaImageFolder = "img_align_celeba";
constexpr const char* kCelebaAttributeFile = "list_attr_celeba.txt";

struct CelebaAttributes {
  std::vector<std::string> names;   // attribute names, in column order
  std::vector<std::string> images;  // image file names, one per row
  std::vector<int8_t> values;       // images.size() x names.size(), row-major, +1 / -1
  std::vector<int64_t> lines;       // the line number of each row (1-based)
};

// Parses an attribute file. Throws DatasetError "PATH:LINE: what is wrong" for a bad count,
// a row with missing or extra columns, a value that is not 1 or -1, an image listed twice, or
// a row count that differs from the declared count.
CelebaAttributes read_celeba_attributes(const std::string& path);

// Throws DatasetError for a malformed attribute file or a row whose image file does not exist
// (naming the file and line); image files that exist but cannot be read are skipped with a
// warning, together with their rows.
std::unique_ptr<Dataset> open_celeba_dataset(const std::string& dir, const DatasetOptions& options,
                                             const std::string& spec);

}  // namespace latentlab
