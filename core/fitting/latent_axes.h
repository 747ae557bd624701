#pragma once
// Which directions of a latent space matter: per-dimension activity (to show the most active
// sliders first) and the latents whose principal components become slider axes (GANSpace style).
#include <torch/types.h>

#include <string>

#include "core/model/model.h"
#include "core/model/model_info.h"

namespace latentlab {

// How many latents stand for the data when the axes come from samples.
constexpr int64_t kAxisLatentsFromGmm = 20000;  // GMM samples: cheap
constexpr int64_t kAxisLatentsFromPrior =
    1000;  // decoded and encoded again: a decode and an encode each

// Where a set of axis latents came from.
enum class AxisSource {
  Gmm,           // samples of the stored GMM, which was fitted to the data's posterior means
  EncodedPrior,  // posterior means of decoded prior samples (a VAE without a GMM)
  None,          // a GAN without a GMM: no latents that describe its data
};
std::string to_string(AxisSource source);  // "gmm", "encoded-prior", "none"

struct AxisLatents {
  torch::Tensor latents;  // [N, D] float32; undefined for AxisSource::None
  AxisSource source = AxisSource::None;
};

// Latents distributed like the data in latent space, for PCA axes and activity:
//  - with a stored GMM (fitted to the data set's posterior means): kAxisLatentsFromGmm samples
//    of it, so the principal directions are the data's, as the checkpoint knows it;
//  - a VAE without one: the posterior means of kAxisLatentsFromPrior decoded prior samples (the
//    aggregate posterior over the model's own images; the prior itself is isotropic and would
//    give arbitrary directions);
//  - a GAN without one: none. Its z prior is isotropic and it has no encoder.
// Deterministic for a seed. Throws InputError for a GMM whose size is not the model's.
AxisLatents axis_latents(Model& model, const ModelInfo& info, uint64_t seed = 0);

// |decode(e_i) - decode(0)| averaged over pixels, for each dimension i: [D] float64. How much
// one prior standard deviation along a dimension changes the image; a dimension the decoder
// ignores (a collapsed VAE unit) scores ~0. D + 1 decodes in a few batches.
torch::Tensor decoder_sensitivity(Model& model);

struct LatentActivity {
  torch::Tensor values;  // [D] float64, larger = more active
  std::string source;    // "posterior-variance" or "decoder-sensitivity"
};

// The variance of the data's posterior means per dimension (a unit's "activity", Burda et al.
// 2016) when axis latents from the GMM are given, else the decoder sensitivity.
LatentActivity latent_activity(Model& model, const AxisLatents& axis);

}  // namespace latentlab
