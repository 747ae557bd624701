#pragma once
// Batch norm folded into the layer before it, for inference: with s = gamma / sqrt(var + eps),
//   BN(conv(x; W, b)) = conv(x; W * s, (b - mean) * s + beta)
// (s scales the weight's output channels). Used by the native inference plan and, on TorchScript
// graphs, for the transposed convolutions that LibTorch's own frozen-graph passes leave unfolded.
#include <torch/types.h>

#include <memory>

namespace torch::jit {
struct Graph;
}

namespace latentlab {

struct FoldedLayer {
  torch::Tensor weight;
  torch::Tensor bias;
};

// weight's output channels lie along channel_dim (0 for Conv2d [Cout, Cin, kh, kw], 1 for
// ConvTranspose2d [Cin, Cout, kh, kw]). bias, gamma and beta may be undefined (none, 1, 0).
// Computed in float64 so the product is rounded once; returned in the inputs' dtypes.
FoldedLayer fold_batch_norm(const torch::Tensor& weight, const torch::Tensor& bias,
                            const torch::Tensor& gamma, const torch::Tensor& beta,
                            const torch::Tensor& mean, const torch::Tensor& var, double eps,
                            int64_t channel_dim);

// In a frozen graph (weights as constants), every aten::batch_norm in eval mode whose input is an
// aten::conv_transpose2d with groups 1, whose output nothing else reads but shape queries, is
// folded into the convolution's constants and removed. Returns how many were folded.
int fold_transposed_conv_batch_norm(const std::shared_ptr<torch::jit::Graph>& graph);

}  // namespace latentlab
