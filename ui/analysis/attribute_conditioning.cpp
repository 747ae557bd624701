#include "ui/analysis/attribute_conditioning.h"

#include <torch/torch.h>

#include "core/fitting/attributes.h"

namespace latentlab::ui {

std::vector<std::vector<float>> conditionedDirections(
    const std::vector<std::vector<float>>& directions) {
  std::vector<torch::Tensor> tensors;
  tensors.reserve(directions.size());
  for (const auto& d : directions) tensors.push_back(torch::tensor(d, torch::kFloat32));
  std::vector<std::vector<float>> out;
  out.reserve(directions.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    std::vector<torch::Tensor> held;
    for (size_t j = 0; j < tensors.size(); ++j)
      if (j != i) held.push_back(tensors[j]);
    const auto v = condition_direction(tensors[i], held).contiguous();
    out.emplace_back(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
  }
  return out;
}

}  // namespace latentlab::ui
