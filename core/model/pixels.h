#pragma once
// Model images (float tensors in the model's output range) to displayable 8-bit pixels, and
// grids of images. LibTorch only: the GUI and the image writers both start here.
#include <torch/types.h>

#include "core/common/types.h"

namespace latentlab {

// [C, H, W] float in range -> [H, W, C] uint8 contiguous on the CPU (C is 1 or 3). Values are
// clamped to the range, mapped to 0..255 and rounded to nearest (ties to even); NaN becomes 0.
// Throws InputError for another shape or channel count.
torch::Tensor to_uint8_hwc(const torch::Tensor& chw, OutputRange range);

// Tiles images [N, C, H, W] into one image [C, H', W'] with `columns` tiles per row (fewer when
// N is smaller), `padding` pixels between and around the tiles filled with pad_value, like
// torchvision's make_grid. Tile i sits at row i / columns, column i % columns, its top-left
// corner at (padding + row * (H + padding), padding + column * (W + padding)). The default
// pad_value 1.0 is the top of both usual ranges ([0, 1] and [-1, 1]): white.
torch::Tensor make_grid(const torch::Tensor& images, int64_t columns, int64_t padding = 2,
                        float pad_value = 1.0f);

// Columns for a roughly square grid of n tiles: ceil(sqrt(n)).
int64_t square_grid_columns(int64_t n);

}  // namespace latentlab
