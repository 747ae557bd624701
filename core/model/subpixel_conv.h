#pragma once
// Inference-time execution of the decoders' upsampling layers. A ConvTranspose2d with kernel 4,
// stride 2 and padding 1 equals one ordinary 2x2 convolution with four times the output channels
// (one set per output pixel phase) followed by interleaving the phases, at the same arithmetic.
// LibTorch 1.13 on the CPU runs transposed convolutions as one sgemm + col2im per image but
// ordinary ones through oneDNN, so decoding batches this way is faster (docs/performance.md).
#include <torch/nn.h>

#include <mutex>
#include <vector>

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

// Runs a Sequential like its forward(), with every convertible ConvTranspose2d replaced by the
// rewrite (on the CPU, for a batch or with several intra-op threads: where it was measured faster).
// The converted weights are cached and rebuilt when a layer's weight is replaced or changed in
// place (data pointer or version counter), so training in between is safe. Calls may come from
// several threads (the render worker and background jobs share a model).
class SubpixelRunner {
 public:
  torch::Tensor forward(torch::nn::Sequential& layers, torch::Tensor x);

 private:
  struct Converted {
    const void* source = nullptr;
    int64_t version = -1;
    torch::Tensor weight;
  };
  torch::Tensor converted_weight(size_t index, const torch::Tensor& transposed_weight);

  std::mutex mutex_;
  std::vector<Converted> converted_;
};

}  // namespace latentlab
