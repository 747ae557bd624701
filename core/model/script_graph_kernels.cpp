#include "core/model/script_graph_kernels.h"

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/library.h>
#include <torch/torch.h>

#include <optional>

#include "core/model/few_output_conv.h"

namespace latentlab {
namespace {

torch::Tensor few_output_conv3x3_op(const torch::Tensor& input, const torch::Tensor& weight,
                                    const c10::optional<torch::Tensor>& bias) {
  const torch::Tensor b = bias ? *bias : torch::Tensor();
  if (input.is_cpu() && input.scalar_type() == torch::kFloat32 && input.dim() == 4 &&
      weight.is_cpu() && is_few_output_conv3x3(weight, {1, 1}, {1, 1}, {1, 1}, 1))
    return few_output_conv3x3(input, weight, b);
  return torch::conv2d(input, weight, b, 1, 1);
}

TORCH_LIBRARY(latentlab, m) {
  m.def("few_output_conv3x3(Tensor input, Tensor weight, Tensor? bias) -> Tensor",
        &few_output_conv3x3_op);
}

// An int[] input that is a constant, or a list built from constants; nullopt otherwise.
std::optional<std::vector<int64_t>> constant_ints(torch::jit::Value* v) {
  if (const auto value = torch::jit::toIValue(v); value && value->isIntList())
    return value->toIntVector();
  torch::jit::Node* list = v->node();
  if (list->kind() != c10::prim::ListConstruct) return std::nullopt;
  std::vector<int64_t> ints;
  for (torch::jit::Value* item : list->inputs()) {
    const auto value = torch::jit::toIValue(item);
    if (!value || !value->isInt()) return std::nullopt;
    ints.push_back(value->toInt());
  }
  return ints;
}

bool replace(torch::jit::Graph& graph, torch::jit::Node* conv) {
  if (conv->inputs().size() != 7) return false;  // not the int[] padding overload
  const auto weight = torch::jit::toIValue(conv->input(1));
  const auto bias = torch::jit::toIValue(conv->input(2));
  const auto stride = constant_ints(conv->input(3));
  const auto padding = constant_ints(conv->input(4));
  const auto dilation = constant_ints(conv->input(5));
  const auto groups = torch::jit::toIValue(conv->input(6));
  if (!weight || !weight->isTensor() || !bias || !(bias->isTensor() || bias->isNone()) || !stride ||
      !padding || !dilation || !groups || !groups->isInt() ||
      !is_few_output_conv3x3(weight->toTensor(), *stride, *padding, *dilation, groups->toInt()))
    return false;
  torch::jit::WithInsertPoint guard(conv);
  torch::jit::Value* call =
      graph.insert(c10::Symbol::fromQualString("latentlab::few_output_conv3x3"),
                   {conv->input(0), conv->input(1), conv->input(2)});
  conv->output()->replaceAllUsesWith(call);
  conv->destroy();
  return true;
}

}  // namespace

int use_few_output_conv(const std::shared_ptr<torch::jit::Graph>& graph) {
  int replaced = 0;
  for (auto it = graph->nodes().begin(); it != graph->nodes().end();) {
    torch::jit::Node* node = *it;
    ++it;  // replace destroys node
    if (node->kind() == c10::aten::conv2d && replace(*graph, node)) ++replaced;
  }
  if (replaced > 0) torch::jit::EliminateDeadCode(graph);
  return replaced;
}

}  // namespace latentlab
