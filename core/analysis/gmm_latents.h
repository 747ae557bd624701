#pragma once
// The check every GMM entry point makes of the latents it is given (evaluation and fitting).
#include <torch/torch.h>

#include <string>

#include "core/common/error.h"

namespace latentlab {

// latents as float64 [N, D] on their own device (contiguous). Throws InputError "what: ..." for
// another shape or NaN/Inf.
inline torch::Tensor checked_latents(const torch::Tensor& latents, const char* what) {
  if (!latents.defined() || latents.dim() != 2)
    throw InputError(std::string(what) + ": latents must have shape [N, D]");
  auto z = latents.to(torch::kFloat64).contiguous();
  if (!torch::isfinite(z).all().item<bool>())
    throw InputError(std::string(what) + ": latents contain NaN or Inf");
  return z;
}

}  // namespace latentlab
