#include "core/model/batch_norm_folding.h"

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/torch.h>

#include <optional>

namespace latentlab {
namespace {

using torch::jit::Node;
using torch::jit::Value;

// A constant tensor input, undefined for a constant None; nullopt when not a constant.
std::optional<torch::Tensor> constant_tensor(Value* v) {
  const auto value = torch::jit::toIValue(v);
  if (!value) return std::nullopt;
  if (value->isNone()) return torch::Tensor();
  if (!value->isTensor()) return std::nullopt;
  return value->toTensor();
}

// Whether every use of the convolution's output but the batch norm only asks for its shape
// (BatchNorm2d's input check calls aten::dim): folding changes the values, not the shape.
bool only_shape_queries_besides(Value* output, Node* batch_norm) {
  for (const auto& use : output->uses()) {
    const auto kind = use.user->kind();
    if (use.user != batch_norm && kind != c10::aten::dim && kind != c10::aten::size) return false;
  }
  return true;
}

bool fold_one(torch::jit::Graph& graph, Node* bn) {
  Node* conv = bn->input(0)->node();
  if (conv->kind() != c10::aten::conv_transpose2d || conv->inputs().size() != 8) return false;
  if (bn->inputs().size() != 9) return false;
  const auto training = torch::jit::toIValue(bn->input(5));
  const auto eps = torch::jit::toIValue(bn->input(7));
  const auto groups = torch::jit::toIValue(conv->input(6));
  if (!training || !training->isBool() || training->toBool() || !eps || !eps->isDouble() ||
      !groups || !groups->isInt() || groups->toInt() != 1)
    return false;
  const auto weight = constant_tensor(conv->input(1));
  const auto bias = constant_tensor(conv->input(2));
  const auto gamma = constant_tensor(bn->input(1));
  const auto beta = constant_tensor(bn->input(2));
  const auto mean = constant_tensor(bn->input(3));
  const auto var = constant_tensor(bn->input(4));
  if (!weight || !bias || !gamma || !beta || !mean || !var || !weight->defined() ||
      !mean->defined() || !var->defined())
    return false;
  if (!only_shape_queries_besides(conv->output(), bn)) return false;

  const auto folded =
      fold_batch_norm(*weight, *bias, *gamma, *beta, *mean, *var, eps->toDouble(), 1);
  torch::jit::WithInsertPoint guard(conv);
  conv->replaceInput(1, graph.insertConstant(folded.weight));
  conv->replaceInput(2, graph.insertConstant(folded.bias));
  bn->output()->replaceAllUsesWith(conv->output());
  bn->destroy();
  return true;
}

}  // namespace

FoldedLayer fold_batch_norm(const torch::Tensor& weight, const torch::Tensor& bias,
                            const torch::Tensor& gamma, const torch::Tensor& beta,
                            const torch::Tensor& mean, const torch::Tensor& var, double eps,
                            int64_t channel_dim) {
  const auto f64 = torch::kFloat64;
  const auto scale = var.to(f64).add(eps).rsqrt();
  const auto s = gamma.defined() ? gamma.to(f64) * scale : scale;
  const auto shift = beta.defined() ? beta.to(f64) : torch::zeros_like(mean, f64);
  const auto b = bias.defined() ? bias.to(f64) : torch::zeros_like(mean, f64);
  std::vector<int64_t> shape(size_t(weight.dim()), 1);
  shape[size_t(channel_dim)] = -1;
  return {(weight.to(f64) * s.view(shape)).to(weight.dtype()),
          ((b - mean.to(f64)) * s + shift).to(mean.dtype())};
}

int fold_transposed_conv_batch_norm(const std::shared_ptr<torch::jit::Graph>& graph) {
  int folded = 0;
  for (auto it = graph->nodes().begin(); it != graph->nodes().end();) {
    Node* node = *it;
    ++it;  // fold_one may destroy node
    if (node->kind() == c10::aten::batch_norm && fold_one(*graph, node)) ++folded;
  }
  if (folded > 0) torch::jit::EliminateDeadCode(graph);
  return folded;
}

}  // namespace latentlab
