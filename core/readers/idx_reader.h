#pragma once
// MNIST-format IDX files of unsigned bytes, gzipped or not (detected by the gzip magic):
// a big-endian header (magic 0x000008DD, DD = number of dimensions, then one uint32 per
// dimension) followed by the data, row-major.
#include <torch/types.h>

#include <string>

namespace latentlab {

constexpr uint32_t kIdxImagesMagic = 0x00000803;  // ubyte, 3 dimensions [N, H, W]
constexpr uint32_t kIdxLabelsMagic = 0x00000801;  // ubyte, 1 dimension [N]

// The images of an idx3-ubyte file as uint8 [N, H, W]. Throws DatasetError naming the file for
// a bad magic, absurd dimensions, data shorter or longer than the header declares, or a
// truncated/corrupt gzip stream. Absurd sizes are refused before anything is allocated.
torch::Tensor read_idx_images(const std::string& path);

// The labels of an idx1-ubyte file as uint8 [N]. Same checks.
torch::Tensor read_idx_labels(const std::string& path);

// Writes a uint8 tensor [N, H, W] or [N] as an IDX file (gzipped when gzip is true), atomically.
// Throws InputError for another dtype or rank, WriteError when the file cannot be written.
void write_idx(const std::string& path, const torch::Tensor& data, bool gzip);

}  // namespace latentlab
