#pragma once
// k-means as scikit-learn's GaussianMixture starts it (KMeans(n_init=1), its default init): greedy
// k-means++ seeding (2 + ln K candidates per centre, the one that lowers the potential most),
// then Lloyd iterations until the labels stop changing or the centres move less than
// tolerance x the mean variance of the features. Runs on the device of the latents; the random
// draws come from a CPU generator, so a seed gives the same centres on every run.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <functional>

namespace latentlab {

struct KMeansSettings {
  int max_iterations = 300;  // scikit-learn's KMeans defaults
  double tolerance = 1e-4;
  // Called after every Lloyd iteration; returning false stops with Cancelled.
  std::function<bool()> keep_going;
};

struct KMeansResult {
  torch::Tensor centres;  // [K, D]
  torch::Tensor labels;   // [N] int64, the nearest centre of every latent
  int iterations = 0;
};

// k-means++ centres [K, D] (rows of x). Throws InputError when x has fewer than K distinct rows.
torch::Tensor kmeans_plusplus(const torch::Tensor& x, int64_t k, at::Generator& generator);

// Clusters latents x [N, D] (float64) into k groups. Throws InputError like kmeans_plusplus.
KMeansResult kmeans(const torch::Tensor& x, int64_t k, at::Generator& generator,
                    const KMeansSettings& settings = {});

}  // namespace latentlab
