#include "core/analysis/sampling.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"

namespace latentlab {

torch::Tensor latents_from_seed(uint64_t seed, int64_t count, int64_t dim, double truncation) {
  if (count < 1) throw InputError("the number of latents must be at least 1");
  if (dim < 1) throw InputError("the latent size must be at least 1");
  if (!std::isfinite(truncation) || truncation < 0)
    throw InputError("truncation must be a finite number >= 0 (0: none)");
  // Plain mode: the result must be an ordinary tensor even when called inside InferenceMode.
  c10::InferenceMode off(false);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto z = torch::randn({count, dim}, generator, torch::kFloat32);
  if (truncation > 0) {
    const auto limit = static_cast<float>(truncation);
    for (int round = 0; round < kMaxTruncationRounds; ++round) {
      const auto outside = z.abs() > limit;
      const int64_t n = outside.sum().item<int64_t>();
      if (n == 0) break;
      // Row-major order of the outside values keeps the redraw deterministic.
      z.masked_scatter_(outside, torch::randn({n}, generator, torch::kFloat32));
    }
    z.clamp_(-limit, limit);
  }
  return z;
}

}  // namespace latentlab
