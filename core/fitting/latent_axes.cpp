#include "core/fitting/latent_axes.h"

#include <torch/torch.h>

#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/fitting/gmm.h"

namespace latentlab {

namespace {

constexpr int64_t kBatch =
    100;  // latents per model call: small enough for 64x64 images on any machine

}  // namespace

std::string to_string(AxisSource source) {
  switch (source) {
    case AxisSource::Gmm:
      return "gmm";
    case AxisSource::EncodedPrior:
      return "encoded-prior";
    case AxisSource::None:
      break;
  }
  return "none";
}

AxisLatents axis_latents(Model& model, const ModelInfo& info, uint64_t seed) {
  const int64_t d = model.latent_dim();
  if (info.gmm) {
    const Gmm gmm = Gmm::from_info(*info.gmm);
    if (gmm.dim() != d)
      throw InputError("the stored GMM has " + std::to_string(gmm.dim()) +
                       " dimensions, the model " + std::to_string(d));
    return {gmm.sample(kAxisLatentsFromGmm, seed), AxisSource::Gmm};
  }
  if (!model.can_encode()) return {};
  const auto prior = latents_from_seed(seed, kAxisLatentsFromPrior, d);
  std::vector<torch::Tensor> means;
  for (int64_t start = 0; start < prior.size(0); start += kBatch) {
    const auto z = prior.slice(0, start, start + kBatch);
    means.push_back(model.encode(model.decode(z)).mean.to(torch::kCPU, torch::kFloat32));
  }
  return {torch::cat(means), AxisSource::EncodedPrior};
}

torch::Tensor decoder_sensitivity(Model& model) {
  const int64_t d = model.latent_dim();
  // Row 0 is the origin, row i + 1 the unit vector e_i.
  const auto z = torch::cat({torch::zeros({1, d}), torch::eye(d)});
  std::vector<torch::Tensor> images;
  for (int64_t start = 0; start < z.size(0); start += kBatch)
    images.push_back(
        model.decode(z.slice(0, start, start + kBatch)).to(torch::kFloat64).flatten(1));
  const auto x = torch::cat(images);
  return (x.slice(0, 1) - x[0]).abs().mean(1);
}

LatentActivity latent_activity(Model& model, const AxisLatents& axis) {
  if (axis.source == AxisSource::Gmm)
    return {axis.latents.to(torch::kFloat64).var(0, /*unbiased=*/true), "posterior-variance"};
  return {decoder_sensitivity(model), "decoder-sensitivity"};
}

}  // namespace latentlab
