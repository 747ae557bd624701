#pragma once
// Adam's per-parameter state (step, exp_avg, exp_avg_sq) as named tensors, so a checkpoint can
// hold it and a resumed run continues exactly.
#include <torch/optim/adam.h>

#include <map>
#include <string>

namespace latentlab {

// Adds "<prefix><index>/exp_avg", ".../exp_avg_sq" and ".../step" for every parameter that has
// state, in parameter order.
void save_adam(torch::optim::Adam& optimizer, const std::string& prefix,
               std::map<std::string, torch::Tensor>& out);

// Puts the saved state back; throws CheckpointError naming `path` when an entry is missing or
// does not match the parameter's shape.
void restore_adam(torch::optim::Adam& optimizer, const std::string& prefix,
                  const std::map<std::string, torch::Tensor>& tensors, const std::string& path);

}  // namespace latentlab
