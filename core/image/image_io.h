#pragma once
// Folder core/image/ (needs OpenCV). Image files: reading any image into a model's shape and
// writing PNGs (this file, OpenCV), cheap header checks that refuse truncated or lying files before
// decoding (image_header.h), and exports of strips as numbered frames, animated GIF (giflib) and
// MP4.
//
// Reading images into a model's shape and writing model images as PNG. The OpenCV work stays in
// the .cpp: this header exposes tensors and std types only.
#include <torch/types.h>

#include <string>

#include "core/common/types.h"

namespace latentlab {

// Refuse images above this many pixels before they fill the memory (a 10000 x 10000 photo).
constexpr int64_t kMaxImagePixels = int64_t{100} * 1000 * 1000;

// Reads an image file of any size, channel count and depth (8 or 16 bit, or float in [0, 1])
// and converts it to the model's shape, as float32 [C, H, W] with values in range: EXIF
// orientation applied, alpha dropped, centre crop to the target aspect ratio, resize
// (INTER_AREA when shrinking, INTER_LINEAR when enlarging), grey <-> RGB conversion, BGR -> RGB.
// Throws ImageError "PATH: what is wrong" for a missing, empty or non-image file, or one
// larger than kMaxImagePixels.
torch::Tensor read_image(const std::string& path, const ImageShape& shape, OutputRange range);

// PNG bytes of a model image [C, H, W] (C 1 or 3) in range, enlarged `scale` times with
// nearest-neighbour pixels (1 <= scale <= kMaxScale). The same tensor always gives the same bytes.
std::string encode_png(const torch::Tensor& chw, OutputRange range, int scale = 1);

// encode_png written atomically. Throws WriteError when the file cannot be written.
void write_png(const std::string& path, const torch::Tensor& chw, OutputRange range, int scale = 1);

// Decodes PNG (or any image) bytes as they are: uint8 [H, W, C] with C 1 or 3 in RGB order,
// 16-bit data scaled to 8 bits. For tests and previews; throws ImageError if not an image.
torch::Tensor decode_png_bytes(const std::string& bytes);

constexpr int kMaxScale = 64;

}  // namespace latentlab
