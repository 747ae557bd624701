#pragma once
// Decoded tensors to QImages, for the render worker and batch renderers. This header includes
// LibTorch: widgets never include it, they receive finished QImages.
#include <torch/types.h>

#include <QImage>

#include "core/common/types.h"

namespace latentlab::ui {

// Writes image [C, H, W] (C = 1 or 3, values in range) into buffer as 8-bit pixels,
// pixel = round((x - lo) * (255 / (hi - lo))) clamped to 0..255 (core's to_uint8_hwc, so the
// CLI's PNGs hold the same pixels): Grayscale8 for one channel, RGB888 for three. The buffer is
// reallocated only when the size or channel count changes, so a render loop converts into the
// same memory every frame. Throws InputError for another shape.
void tensorToImage(const torch::Tensor& image, OutputRange range, QImage& buffer);

// The same conversion into a new image.
QImage tensorToImage(const torch::Tensor& image, OutputRange range);

}  // namespace latentlab::ui
