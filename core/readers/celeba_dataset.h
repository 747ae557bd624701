#pragma once
// celeba:DIR: the CelebA layout, DIR/img_align_celeba/ + DIR/list_attr_celeba.txt (the attribute
// file, core/readers/celeba_attributes.h).
// Real CelebA images are 178x218: by default they are centre-cropped to a square (178x178);
// with DatasetOptions::image_shape they are cropped and resized to it. The project's synthetic
// faces (latentlab-cli make-faces) use the same layout with 64x64 PNGs.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data/dataset.h"
#include "core/readers/celeba_attributes.h"

namespace latentlab {

constexpr const char* kCelebaImageFolder = "img_align_celeba";
constexpr const char* kCelebaAttributeFile = "list_attr_celeba.txt";

// Throws DatasetError for a malformed attribute file or a row whose image file does not exist
// (naming the file and line); image files that exist but cannot be read are skipped with a
// warning, together with their rows.
std::unique_ptr<Dataset> open_celeba_dataset(const std::string& dir, const DatasetOptions& options,
                                             const std::string& spec);

}  // namespace latentlab
