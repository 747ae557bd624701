#pragma once
// The attribute file of the CelebA layout (list_attr_celeba.txt):
//   line 1: the number of images; line 2: the attribute names;
//   then one row per image: "NAME v1 v2 ..." with each v 1 or -1.
// Parsed on its own (no images, no OpenCV) so the fuzz target links only this.
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

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

}  // namespace latentlab
