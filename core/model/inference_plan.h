#pragma once
// Inference-time execution of the native networks' layer stacks (eval mode, no gradients). Each
// convolution, transposed convolution or linear layer runs with the BatchNorm2d that follows it
// folded into its weights and bias (y = s * (conv(x) + b - mean) + beta, s = gamma /
// sqrt(var + eps): one pass over the activations instead of two), and the activation after it
// (ReLU, LeakyReLU, tanh, sigmoid) applied in place on the layer's output, so no step allocates
// more than its own output. Stride-2 kernel-4 transposed convolutions run as ordinary ones
// (core/model/subpixel_conv.h) where that was measured faster, and 3x3 convolutions to 1-4
// channels (the VAE decoders' last layer) by a direct loop (core/model/few_output_conv.h).
// Anything else runs as its module.
//
// The folded weights are prepared once, on the first inference call after the weights were
// loaded, and kept while every parameter and buffer they were made from is the same tensor with
// the same data and version counter (and each batch norm's num_batches_tracked too: a training
// forward moves the running statistics without bumping their counters); an optimiser step, a
// training forward, a load or a move to another device changes one of those, and the next call
// prepares them again (training in between is safe).
// Calls may come from several threads (the render worker and background jobs share a model).
#include <torch/nn.h>

#include <memory>
#include <mutex>
#include <vector>

namespace latentlab {

class InferencePlan {
 public:
  // layers->forward(x) in training mode or with gradients on (the reference path), else the
  // folded execution, equal to it within float rounding.
  torch::Tensor forward(torch::nn::Sequential& layers, torch::Tensor x);

 private:
  struct Step;
  // A tensor the prepared weights were computed from, as it was then.
  struct Source {
    const torch::Tensor* member = nullptr;  // the module's own field (modules are not moved)
    const void* impl = nullptr;
    const void* data = nullptr;
    int64_t version = 0;
  };
  struct Prepared {
    std::vector<Step> steps;
    std::vector<Source> sources;
    size_t layer_count = 0;
  };
  static std::shared_ptr<const Prepared> prepare(torch::nn::Sequential& layers);
  static bool still_valid(const Prepared& prepared, const torch::nn::Sequential& layers);

  std::mutex mutex_;
  std::shared_ptr<const Prepared> prepared_;
};

}  // namespace latentlab
