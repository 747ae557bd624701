#pragma once
// Our own inference kernels inside a frozen TorchScript graph (a user's model runs as well as
// ours): every aten::conv2d that core/model/few_output_conv.h computes (3x3, stride 1, padding 1,
// to 1-4 channels: a VAE decoder's last layer), with constant weights, becomes a call to the
// operator latentlab::few_output_conv3x3, which runs that loop on float32 CPU tensors and
// aten::conv2d on anything else. ScriptModel::freeze_for_inference applies it after LibTorch's
// own passes; the frozen copy is used only if it reproduces the loaded module.
#include <memory>

namespace torch::jit {
struct Graph;
}

namespace latentlab {

// Returns how many convolutions were replaced.
int use_few_output_conv(const std::shared_ptr<torch::jit::Graph>& graph);

}  // namespace latentlab
