#pragma once
// Gaussian mixtures in latent space: fitted with our batched EM (core/analysis/gmm_em.h, the
// updates of scikit-learn's GaussianMixture on LibTorch tensors, on the CPU's threads or CUDA),
// evaluated in float64 from the stored parameters alone, so a mixture read back from a checkpoint
// gives the same log-likelihoods (the "typicality" of a latent), samples and ellipses.
#include <torch/types.h>

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/projection.h"
#include "core/model/model_info.h"

namespace latentlab {

enum class CovarianceType { Full, Diagonal, Spherical };

std::string to_string(CovarianceType type);                     // "full", "diag", "spherical"
CovarianceType parse_covariance_type(const std::string& text);  // throws InputError

// A component's k-sigma ellipse in a 2D projection.
struct Ellipse {
  double center_x = 0.0, center_y = 0.0;
  double semi_major = 0.0, semi_minor = 0.0;
  double angle = 0.0;  // of the major axis from the x axis, radians in (-pi/2, pi/2]
  // Points around it (the first repeated at the end to close the curve).
  std::vector<std::array<double, 2>> outline(int points = 64) const;
};

class Gmm {
 public:
  // weights [K] (renormalised to sum 1), means [K, D], covariances [K, D, D]. The covariance type
  // records how it was fitted (for BIC's parameter count); covariances are always full matrices.
  // Throws InputError for mismatched sizes, non-positive weights or a covariance that is not
  // symmetric positive definite.
  Gmm(torch::Tensor weights, torch::Tensor means, torch::Tensor covariances,
      CovarianceType type = CovarianceType::Full);
  static Gmm from_info(const GaussianMixture& info);  // throws InputError like the constructor
  GaussianMixture to_info() const;

  int64_t components() const { return means_.size(0); }
  int64_t dim() const { return means_.size(1); }
  CovarianceType covariance_type() const { return type_; }
  const torch::Tensor& weights() const { return weights_; }          // [K] float64
  const torch::Tensor& means() const { return means_; }              // [K, D] float64
  const torch::Tensor& covariances() const { return covariances_; }  // [K, D, D] float64

  // log(w_k) + log N(z | mu_k, Sigma_k) for latents [N, D]: [N, K] float64, computed on the
  // latents' device.
  torch::Tensor component_log_densities(const torch::Tensor& latents) const;
  // log p(z) by log-sum-exp over components: [N] for [N, D], a 0-dim tensor for one latent [D].
  torch::Tensor log_likelihood(const torch::Tensor& latents) const;
  double log_likelihood_of(const torch::Tensor& latent) const;         // one latent [D]
  torch::Tensor responsibilities(const torch::Tensor& latents) const;  // [N, K], rows sum to 1
  torch::Tensor predict(const torch::Tensor& latents) const;           // [N] int64 components

  // n latents [n, D] float32 from the mixture (component < 0) or from one component, the same
  // for the same seed. Throws InputError for a component out of range.
  torch::Tensor sample(int64_t n, uint64_t seed, int64_t component = -1) const;

  int64_t parameter_count() const;  // free parameters for the covariance type
  // Bayesian information criterion on latents [N, D]: -2 sum log p(z) + parameters * ln N.
  double bic(const torch::Tensor& latents) const;

  // Each component's mean and covariance projected (P Sigma P^T) into the first two rows of the
  // projection, as sigmas-sigma ellipses.
  std::vector<Ellipse> ellipses(const Projection& projection, double sigmas = 2.0) const;

 private:
  torch::Tensor as_latents(const torch::Tensor& latents) const;

  torch::Tensor weights_, means_, covariances_;
  torch::Tensor cholesky_;            // [K, D, D] lower factors of the covariances (sampling)
  torch::Tensor precision_cholesky_;  // [K, D, D] their inverse transposes (densities)
  torch::Tensor log_weights_;         // [K]
  CovarianceType type_;
};

struct GmmFitOptions {
  int64_t components = 5;
  CovarianceType covariance = CovarianceType::Full;
  uint64_t seed = 0;         // the k-means++ draws and the subsample
  int max_iterations = 100;  // EM iterations per initialisation at most
  // Stop when the mean log-likelihood per latent changes by less than this (scikit-learn's tol).
  double tolerance = 1e-3;
  double reg_covar = 1e-6;  // added to every covariance's diagonal (scikit-learn's reg_covar)
  int n_init = 1;           // initialisations; the one with the highest log-likelihood is kept
  // Fit on a random subset of at most this many latents (0: all); the returned labels,
  // log-likelihoods and BIC cover every latent.
  int64_t max_samples = 0;
  // Where EM runs; unset: CUDA when there is one (resolve_device("auto")), else the CPU.
  std::optional<torch::Device> device;
  // Called with (EM iterations done, n_init x max_iterations) after every k-means and EM
  // iteration; returning false stops the fit (Cancelled). A converged initialisation counts as
  // its max_iterations.
  std::function<bool(int64_t, int64_t)> progress;
};

struct GmmFit {
  Gmm model;
  torch::Tensor labels;           // [N] int64 most likely component of every latent
  torch::Tensor log_likelihoods;  // [N] float64 log p(z) of every latent
  double bic = 0.0;               // over every latent
  int64_t fitted_samples = 0;     // how many latents EM saw
  int iterations = 0;             // EM iterations of the kept initialisation
  bool converged = false;         // it stopped by the tolerance, not by max_iterations
};

// Fits latents [N, D] with EM from k-means++ / k-means starts, as scikit-learn's GaussianMixture
// (init_params="kmeans"). The same options and latents give the same mixture (on one device and
// thread count: only sums and matrix products, no atomics). Throws InputError for bad options,
// fewer latents than components, fewer distinct latents than components or non-finite values;
// Error when a component's covariance collapses despite reg_covar; Cancelled when progress says
// so.
GmmFit fit_gmm(const torch::Tensor& latents, const GmmFitOptions& options);

struct BicPoint {
  int64_t components = 0;
  double bic = 0.0;
  double mean_log_likelihood = 0.0;  // per latent
};

// Fits K = k_min..k_max (each with options, components replaced) and returns the BIC of each; the
// smallest BIC is the suggested K (best_components). options.progress sees the whole sweep:
// (iterations done, (k_max - k_min + 1) x n_init x max_iterations).
std::vector<BicPoint> bic_curve(const torch::Tensor& latents, int64_t k_min, int64_t k_max,
                                const GmmFitOptions& options);
int64_t best_components(const std::vector<BicPoint>& curve);

}  // namespace latentlab
