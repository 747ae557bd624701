#pragma once
// Inference-time execution of the decoders' upsampling layers. A ConvTranspose2d with kernel 4,
// stride 2 and padding 1 equals one ordinary 2x2 convolution with four times the output channels
// (one set per output pixel phase) followed by interleaving the phases, at the same arithmetic.
// LibTorch 1.13 on the CPU runs transposed convolutions as one sgemm + col2im per image but
// ordinary ones through oneDNN, so decoding batches this way is faster (docs/performance.md).
// core/model/inference_plan.h decides when to use it.
#include <torch/nn.h>

namespace latentlab {

// Whether `layer` has the shape the rewrite handles (kernel 4, stride 2, padding 1, no output
// padding, dilation 1, one group).
bool is_subpixel_convertible(const torch::nn::ConvTranspose2dImpl& layer);

// The 2x2 convolution weight [4 * Cout, Cin, 2, 2] equivalent to `layer`'s weight
// [Cin, Cout, 4, 4]; phase (ry, rx) of the output is the block of Cout channels at 2 * ry + rx.
torch::Tensor subpixel_weight(const torch::Tensor& transposed_weight);

// The layer's output for `input`, computed with a weight from subpixel_weight().
torch::Tensor subpixel_conv_transpose(const torch::Tensor& input, const torch::Tensor& weight,
                                      const torch::Tensor& bias);

}  // namespace latentlab
