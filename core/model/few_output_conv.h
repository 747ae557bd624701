#pragma once
// Inference-time execution of the VAE decoders' last layer: a 3x3 convolution (stride 1, padding
// 1) from a few dozen feature maps to the image's 1-4 channels. oneDNN and LibTorch's im2col +
// sgemm both run this shape at a fraction of the machine's rate (an output of 3 channels is too
// narrow for their blocking): 0.28 ms of the faces-vae's 2 ms batch-1 decode on one thread,
// 13 GFLOP/s. A direct loop over output rows, all output channels at once, vectorised for AVX2
// where the CPU has it, takes 0.12 ms (docs/performance.md, "The last 3x3 convolution").
#include <torch/types.h>

#include <vector>

namespace latentlab {

// Whether few_output_conv3x3 computes this convolution: weight [Cout <= 4, Cin, 3, 3] float32,
// stride 1, padding 1, dilation 1, one group.
bool is_few_output_conv3x3(const torch::Tensor& weight, const std::vector<int64_t>& stride,
                           const std::vector<int64_t>& padding,
                           const std::vector<int64_t>& dilation, int64_t groups);

// torch::conv2d(input, weight, bias, 1, 1) for a float32 CPU input [N, Cin, H, W] and such a
// weight (bias may be undefined), equal to it within float rounding.
torch::Tensor few_output_conv3x3(const torch::Tensor& input, const torch::Tensor& weight,
                                 const torch::Tensor& bias);

}  // namespace latentlab
