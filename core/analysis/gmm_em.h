#pragma once
// Expectation-maximisation for Gaussian mixtures on tensors, the way scikit-learn's
// GaussianMixture does it (same updates, reg_covar, convergence test on the mean log-likelihood),
// but batched over all components at once: with the latents' second-moment features (x_i x_j and
// x, computed once per fit) the E-step's Mahalanobis distances of every component are one GEMM
// and the M-step's means and covariances of every component another; responsibilities come from
// a log-sum-exp over components. Everything
// runs in float64 on the device of the data (CPU with LibTorch's intra-op threads, or CUDA), and
// only sums and matrix products are used (no atomics), so a fit is deterministic for its inputs.
#include <torch/types.h>

#include <functional>

#include "core/analysis/gmm.h"

namespace latentlab {

// A mixture's parameters in the shape of its covariance type, float64 on one device.
struct MixtureParameters {
  CovarianceType type = CovarianceType::Full;
  torch::Tensor weights;  // [K], summing to 1
  torch::Tensor means;    // [K, D]
  // Full: [K, D, D]; Diagonal: [K, D] variances; Spherical: [K] variances.
  torch::Tensor covariances;
  // The same shape: Full: the upper triangular P_k with P_k P_k^T = Sigma_k^-1;
  // Diagonal and Spherical: 1 / standard deviation.
  torch::Tensor precision_cholesky;
};

// P = L^-T for lower Cholesky factors L [..., D, D]: upper triangular, P P^T = (L L^T)^-1.
torch::Tensor precision_from_cholesky(const torch::Tensor& cholesky);

// The precision Cholesky factors of covariances of the given type (scikit-learn's
// _compute_precision_cholesky). Throws Error naming the first component whose covariance is not
// positive definite.
torch::Tensor precision_cholesky(const torch::Tensor& covariances, CovarianceType type);

// The second-moment features of latents x [N, D], one row per feature: the products x_i x_j
// (i <= j, row by row of the upper triangle), then x itself: [D (D + 3) / 2, N]. With them every
// full-covariance E-step and M-step below is one GEMM. They expand squares, so give them centred
// latents (run_em's are).
torch::Tensor moment_features(const torch::Tensor& x);

// log N(x_n | mu_k, Sigma_k) for latents x [N, D] (float64, on the parameters' device): [N, K].
// Full covariances: from `features` of x when given, else as |P_k^T x - P_k^T mu_k|^2 in blocks
// of latents so the temporary [block, K, D] stays small (any x, as scikit-learn computes it).
torch::Tensor gaussian_log_densities(const torch::Tensor& x, const MixtureParameters& p,
                                     const torch::Tensor& features = {});

// The M-step: weights, means and covariances (plus reg_covar on the diagonal) from
// responsibilities [N, K] of latents x [N, D] (scikit-learn's _estimate_gaussian_parameters),
// through `features` of x when given (full covariances).
MixtureParameters estimate_parameters(const torch::Tensor& x, const torch::Tensor& resp,
                                      CovarianceType type, double reg_covar,
                                      const torch::Tensor& features = {});

struct EmSettings {
  int max_iterations = 100;
  double tolerance = 1e-3;  // stop when the mean log-likelihood changes by less than this
  double reg_covar = 1e-6;
  // Called after every iteration with its number (from 1); returning false stops with Cancelled.
  std::function<bool(int)> iteration_done;
};

struct EmResult {
  MixtureParameters parameters;
  double lower_bound = 0.0;  // mean log-likelihood at the last E-step (before its M-step)
  int iterations = 0;
  bool converged = false;
};

// Runs EM on latents x [N, D] (centred) from initial responsibilities [N, K] (e.g. k-means
// labels, one-hot). Full covariances use moment_features of x when they take at most 256 MB.
EmResult run_em(const torch::Tensor& x, const torch::Tensor& initial_resp, CovarianceType type,
                const EmSettings& settings);

}  // namespace latentlab
