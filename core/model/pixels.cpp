#include "core/model/pixels.h"

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"

namespace latentlab {

torch::Tensor to_uint8_hwc(const torch::Tensor& chw, OutputRange range) {
  if (chw.dim() != 3 || (chw.size(0) != 1 && chw.size(0) != 3))
    throw InputError("an image must have shape [C, H, W] with C 1 or 3, got " +
                     c10::str(chw.sizes()));
  if (!(range.hi > range.lo)) throw InputError("output range must have lo < hi");
  torch::NoGradGuard no_grad;
  auto x = chw.to(torch::kCPU, torch::kFloat32);
  x = torch::nan_to_num(x, range.lo, range.hi, range.lo).clamp(range.lo, range.hi);
  // (x - lo) * 255 / (hi - lo), rounded to nearest with ties to even (torch.round).
  x = ((x - range.lo) * (255.0f / (range.hi - range.lo))).round().clamp(0, 255);
  return x.to(torch::kUInt8).permute({1, 2, 0}).contiguous();
}

torch::Tensor make_grid(const torch::Tensor& images, int64_t columns, int64_t padding,
                        float pad_value) {
  if (images.dim() != 4 || images.size(0) < 1)
    throw InputError("a grid needs images of shape [N, C, H, W] with N >= 1, got " +
                     c10::str(images.sizes()));
  if (columns < 1) throw InputError("a grid needs at least one column");
  if (padding < 0) throw InputError("grid padding must not be negative");
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const int64_t cols = std::min(columns, n);
  const int64_t rows = (n + cols - 1) / cols;
  auto grid = torch::full({c, padding + rows * (h + padding), padding + cols * (w + padding)},
                          pad_value, images.options());
  for (int64_t i = 0; i < n; ++i) {
    const int64_t y = padding + (i / cols) * (h + padding);
    const int64_t x = padding + (i % cols) * (w + padding);
    grid.narrow(1, y, h).narrow(2, x, w).copy_(images[i]);
  }
  return grid;
}

int64_t square_grid_columns(int64_t n) {
  if (n <= 1) return 1;
  auto c = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  while (c * c < n) ++c;  // guard against sqrt rounding down
  while ((c - 1) * (c - 1) >= n) --c;
  return c;
}

}  // namespace latentlab
