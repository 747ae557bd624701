// ScriptModel::freeze_for_inference: what torch.jit.freeze does, for every method of the
// contract (torch::jit::freeze itself optimises forward() alone and needs one, which a VAE under
// the contract need not have), and batch norm folded into transposed convolutions too. The frozen
// copy replaces the module only where it computes the same outputs, so a module the passes
// mishandle keeps running as loaded.
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/script.h>
#include <torch/torch.h>

#include "core/model/batch_norm_folding.h"
#include "core/model/script_graph_kernels.h"
#include "core/model/script_model.h"

namespace latentlab {
namespace {

// Folding batch norm into a convolution rounds differently; outputs further apart than this
// (relative to their scale) mean the passes changed what the module computes.
constexpr double kFrozenTolerance = 1e-4;

double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  const auto scale = 1.0 + b.abs().max().item<double>();
  return (a - b).abs().max().item<double>() / scale;
}

}  // namespace

std::vector<std::string> ScriptModel::contract_methods() const {
  std::vector<std::string> methods{decode_method()};
  if (kind_ == ModelKind::Vae) methods.push_back("encode");
  if (has_discriminator_) methods.push_back("discriminate");
  return methods;
}

bool ScriptModel::freeze_for_inference() {
  torch::InferenceMode guard;
  use_frozen_ = false;
  const auto methods = contract_methods();
  try {
    frozen_ = torch::jit::freeze_module(module_, methods);
    for (const auto& method : methods) {
      auto graph = frozen_.get_method(method).graph();
      torch::jit::OptimizeFrozenGraph(graph, /*optimize_numerics=*/true);
      fold_transposed_conv_batch_norm(graph);  // LibTorch folds batch norm into conv2d only
      use_few_output_conv(graph);
    }
  } catch (const std::exception&) {
    return false;  // e.g. a method that sets an attribute: such a module cannot be frozen
  }

  // The trial batch of fit_to_contract, through both modules.
  const auto z = trial_latents();
  const auto images = decode(z);
  std::vector<torch::Tensor> loaded{images};
  if (kind_ == ModelKind::Vae) {
    const auto p = encode(images);
    loaded.insert(loaded.end(), {p.mean, p.logvar});
  }
  if (has_discriminator_) loaded.push_back(discriminate(images));
  try {
    use_frozen_ = true;
    std::vector<torch::Tensor> frozen{decode(z)};
    if (kind_ == ModelKind::Vae) {
      const auto p = encode(images);
      frozen.insert(frozen.end(), {p.mean, p.logvar});
    }
    if (has_discriminator_) frozen.push_back(discriminate(images));
    for (size_t i = 0; i < loaded.size(); ++i)
      if (!(relative_difference(frozen[i], loaded[i]) <= kFrozenTolerance)) use_frozen_ = false;
  } catch (const Error&) {
    use_frozen_ = false;
  }
  if (!use_frozen_) frozen_ = torch::jit::Module();
  return use_frozen_;
}

}  // namespace latentlab
