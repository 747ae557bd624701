#include "core/training/optimizer_state.h"

#include "core/common/error.h"
#include "core/common/torch_compat.h"

namespace latentlab {

void save_adam(torch::optim::Adam& optimizer, const std::string& prefix,
               std::map<std::string, torch::Tensor>& out) {
  int64_t index = 0;
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params()) {
      const auto it = optimizer.state().find(
          torch_compat::optimizer_state_key(optimizer.state(), p.unsafeGetTensorImpl()));
      if (it != optimizer.state().end()) {
        auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
        const std::string base = prefix + std::to_string(index) + "/";
        out[base + "exp_avg"] = s.exp_avg();
        out[base + "exp_avg_sq"] = s.exp_avg_sq();
        out[base + "step"] = torch::tensor({s.step()}, torch::kInt64);
      }
      ++index;
    }
}

void restore_adam(torch::optim::Adam& optimizer, const std::string& prefix,
                  const std::map<std::string, torch::Tensor>& tensors, const std::string& path) {
  int64_t index = 0;
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params()) {
      const std::string base = prefix + std::to_string(index++) + "/";
      const auto avg = tensors.find(base + "exp_avg");
      const auto sq = tensors.find(base + "exp_avg_sq");
      const auto step = tensors.find(base + "step");
      if (avg == tensors.end() || sq == tensors.end() || step == tensors.end())
        throw CheckpointError(path + ": optimizer state '" + base + "' is missing; cannot resume");
      if (avg->second.sizes() != p.sizes() || sq->second.sizes() != p.sizes() ||
          step->second.numel() != 1)
        throw CheckpointError(path + ": optimizer state '" + base + "' does not match the model");
      auto s = std::make_unique<torch::optim::AdamParamState>();
      s->step(step->second.item<int64_t>());
      s->exp_avg(avg->second.to(p.device(), p.scalar_type()).clone());
      s->exp_avg_sq(sq->second.to(p.device(), p.scalar_type()).clone());
      optimizer
          .state()[torch_compat::optimizer_state_key(optimizer.state(), p.unsafeGetTensorImpl())] =
          std::move(s);
    }
}

}  // namespace latentlab
