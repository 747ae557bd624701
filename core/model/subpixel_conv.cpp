#include "core/model/subpixel_conv.h"

#include "core/common/torch_compat.h"

namespace latentlab {
namespace {

// Output pixel 2m + r of a stride-2, padding-1, kernel-4 transposed convolution sums input
// pixels m - 1 + r + t (t = 0, 1) through kernel tap 3 - r - 2t. A 2x2 convolution over the
// input padded by one pixel reads exactly those inputs at output position m + r.
// On the weights' device: index_select needs its index there (a CUDA model failed to load).
torch::Tensor phase_taps(int64_t r, torch::Device device) {
  return torch::tensor({3 - r, 1 - r}, torch::dtype(torch::kLong).device(device));
}

}  // namespace

bool is_subpixel_convertible(const torch::nn::ConvTranspose2dImpl& layer) {
  const auto& o = layer.options;
  const auto all = [](const auto& values, int64_t v) {
    for (int64_t x : *values)
      if (x != v) return false;
    return true;
  };
  return all(o.kernel_size(), 4) && all(o.stride(), 2) && all(o.output_padding(), 0) &&
         all(o.dilation(), 1) && o.groups() == 1 &&
         torch_compat::holds_alternative<torch::ExpandingArray<2>>(o.padding()) &&
         all(torch_compat::get<torch::ExpandingArray<2>>(o.padding()), 1);
}

torch::Tensor subpixel_weight(const torch::Tensor& transposed_weight) {
  std::vector<torch::Tensor> phases;
  for (int64_t ry = 0; ry < 2; ++ry)
    for (int64_t rx = 0; rx < 2; ++rx)
      phases.push_back(transposed_weight.index_select(2, phase_taps(ry, transposed_weight.device()))
                           .index_select(3, phase_taps(rx, transposed_weight.device()))
                           .transpose(0, 1));  // [Cin, Cout, 2, 2] -> [Cout, Cin, 2, 2]
  return torch::cat(phases, 0).contiguous();
}

torch::Tensor subpixel_conv_transpose(const torch::Tensor& input, const torch::Tensor& weight,
                                      const torch::Tensor& bias) {
  const int64_t n = input.size(0), h = input.size(2), w = input.size(3);
  const int64_t out_channels = weight.size(0) / 4;
  const auto phases = torch::conv2d(input, weight, bias.defined() ? bias.repeat({4}) : bias,
                                    /*stride=*/1, /*padding=*/1);  // [N, 4 Cout, H + 1, W + 1]
  auto out = torch::empty({n, out_channels, h, 2, w, 2}, phases.options());
  for (int64_t ry = 0; ry < 2; ++ry)
    for (int64_t rx = 0; rx < 2; ++rx)
      out.select(5, rx).select(3, ry).copy_(
          phases.narrow(1, (2 * ry + rx) * out_channels, out_channels)
              .narrow(2, ry, h)
              .narrow(3, rx, w));
  return out.view({n, out_channels, 2 * h, 2 * w});
}

}  // namespace latentlab
