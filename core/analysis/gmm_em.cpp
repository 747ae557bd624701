#include "core/analysis/gmm_em.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/common/math_constants.h"

namespace latentlab {
namespace {

// Values in one [block, K, D] temporary of the full-covariance steps (8 MB of float64): small
// enough for the caches and for memory on any N, large enough that a block is worth an op.
constexpr int64_t kBlockValues = int64_t{1} << 20;
// Second-moment features are kept for a whole fit when they take at most this many values
// (256 MB of float64: 60,000 16-D latents take 73 MB); larger fits use the blocked direct path.
constexpr int64_t kMaxFeatureValues = int64_t{1} << 25;
// scikit-learn adds 10 eps to every component's responsibility sum so no division is by zero.
constexpr double kEmptyComponentMass = 10 * std::numeric_limits<double>::epsilon();

int64_t block_rows(int64_t components, int64_t dim) {
  return std::max<int64_t>(1, kBlockValues / (components * dim));
}

// The (row, column) indices of the upper triangle of a D x D matrix, row by row.
std::pair<torch::Tensor, torch::Tensor> upper_triangle(int64_t d, torch::Device device) {
  const auto indices = torch::triu_indices(d, d, 0, torch::dtype(torch::kInt64).device(device));
  return {indices[0], indices[1]};
}

// |P_k^T (x - mu_k)|^2 for every latent and component: [N, K]. One GEMM of x with all the P_k
// side by side ([D, K * D]) per block of latents.
torch::Tensor mahalanobis_full(const torch::Tensor& x, const torch::Tensor& means,
                               const torch::Tensor& prec_chol) {
  const int64_t k = means.size(0), d = means.size(1), n = x.size(0);
  const auto stacked = prec_chol.permute({1, 0, 2}).reshape({d, k * d});
  const auto shifted_means = torch::bmm(means.unsqueeze(1), prec_chol).reshape({1, k, d});
  auto out = torch::empty({n, k}, x.options());
  const int64_t rows = block_rows(k, d);
  for (int64_t start = 0; start < n; start += rows) {
    const int64_t end = std::min(n, start + rows);
    auto y = x.slice(0, start, end).mm(stacked).view({end - start, k, d});
    y.sub_(shifted_means).square_();
    auto rows_out = out.slice(0, start, end);
    torch::sum_out(rows_out, y, {2});
  }
  return out;
}

// The same from second-moment features F = [x_i x_j (i <= j); x] ([T + D, N]): |P^T (x - mu)|^2 =
// x^T A x
// - 2 x^T A mu + mu^T A mu with A = P P^T, one GEMM of F with [A_ij (doubled off the diagonal),
// -2 A mu] for all components, no [N, K, D] temporary. The callers centre their latents, which
// keeps the cancellation of the expanded square harmless.
torch::Tensor mahalanobis_moments(const torch::Tensor& features, const torch::Tensor& means,
                                  const torch::Tensor& prec_chol) {
  const int64_t d = means.size(1);
  const auto [rows, cols] = upper_triangle(d, means.device());
  const auto precisions = torch::bmm(prec_chol, prec_chol.transpose(1, 2));  // [K, D, D]
  const auto quadratic = precisions.index({torch::indexing::Slice(), rows, cols}) *
                         (2.0 - rows.eq(cols).to(means.scalar_type()));       // [K, T]
  const auto linear = torch::bmm(precisions, means.unsqueeze(2)).squeeze(2);  // [K, D]
  const auto constant = (linear * means).sum(1);                              // [K]
  // [K, T + D] x [T + D, N], handed back as [N, K] (a transposed view): with the features stored
  // feature-major this is OpenBLAS's fastest layout for the shape (1.5x the latent-major one).
  return torch::addmm(constant.unsqueeze(1), torch::cat({quadratic, -2.0 * linear}, 1), features)
      .t();
}

// Diagonal and spherical precisions expand the square instead (scikit-learn's way): no [N, K, D]
// temporary. The callers centre their latents, which keeps the cancellation harmless.
torch::Tensor mahalanobis_diagonal(const torch::Tensor& x, const torch::Tensor& means,
                                   const torch::Tensor& prec_chol) {
  const auto precisions = prec_chol.square();  // [K, D]
  return (means.square() * precisions).sum(1).unsqueeze(0) - 2.0 * x.mm((means * precisions).t()) +
         x.square().mm(precisions.t());
}

torch::Tensor mahalanobis_spherical(const torch::Tensor& x, const torch::Tensor& means,
                                    const torch::Tensor& prec_chol) {
  const auto precisions = prec_chol.square().unsqueeze(0);  // [1, K]
  return (means.square().sum(1).unsqueeze(0) - 2.0 * x.mm(means.t()) +
          x.square().sum(1, /*keepdim=*/true)) *
         precisions;
}

// sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T for all k: [K, D, D], one batched product per block.
torch::Tensor scatter_full(const torch::Tensor& x, const torch::Tensor& resp,
                           const torch::Tensor& means) {
  const int64_t k = means.size(0), d = means.size(1), n = x.size(0);
  auto scatter = torch::zeros({k, d, d}, x.options());
  const int64_t rows = block_rows(k, d);
  for (int64_t start = 0; start < n; start += rows) {
    const int64_t end = std::min(n, start + rows);
    const auto diff = x.slice(0, start, end).unsqueeze(0) - means.unsqueeze(1);  // [K, n, D]
    const auto weighted = diff * resp.slice(0, start, end).t().unsqueeze(2);
    scatter.baddbmm_(weighted.transpose(1, 2), diff);
  }
  return scatter;
}

// The E-step: responsibilities [N, K] (exp of the log-responsibilities) and the mean
// log-likelihood.
std::pair<torch::Tensor, double> expectation(const torch::Tensor& x, const MixtureParameters& p,
                                             const torch::Tensor& features) {
  auto log_weighted = gaussian_log_densities(x, p, features).add_(p.weights.log().unsqueeze(0));
  const auto log_norm = torch::logsumexp(log_weighted, 1, /*keepdim=*/true);
  const double mean_log_likelihood = log_norm.mean().item<double>();
  return {log_weighted.sub_(log_norm).exp_(), mean_log_likelihood};
}

}  // namespace

torch::Tensor precision_from_cholesky(const torch::Tensor& cholesky) {
  const auto eye = torch::eye(cholesky.size(-1), cholesky.options()).expand_as(cholesky);
  return torch::linalg_solve_triangular(cholesky, eye, /*upper=*/false, /*left=*/true,
                                        /*unitriangular=*/false)
      .transpose(-2, -1)
      .contiguous();
}

torch::Tensor precision_cholesky(const torch::Tensor& covariances, CovarianceType type) {
  const auto fail = [](int64_t component) {
    throw Error("the covariance of component " + std::to_string(component) +
                " is not positive definite: it collapsed onto too few distinct latents (use "
                "fewer components or a larger reg_covar)");
  };
  if (type != CovarianceType::Full) {
    const auto bad = torch::nonzero(covariances.reshape({covariances.size(0), -1}) <= 0);
    if (bad.numel() > 0) fail(bad[0][0].item<int64_t>());
    return covariances.rsqrt();
  }
  auto [factor, info] = torch::linalg_cholesky_ex(covariances);
  const auto bad = torch::nonzero(info);
  if (bad.numel() > 0) fail(bad[0][0].item<int64_t>());
  return precision_from_cholesky(factor);
}

torch::Tensor moment_features(const torch::Tensor& x) {
  const auto columns = x.t().contiguous();  // [D, N]
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < x.size(1); ++i)
    parts.push_back(columns.slice(0, i, i + 1) * columns.slice(0, i));
  parts.push_back(columns);
  return torch::cat(parts, 0);
}

torch::Tensor gaussian_log_densities(const torch::Tensor& x, const MixtureParameters& p,
                                     const torch::Tensor& features) {
  const int64_t d = p.means.size(1);
  torch::Tensor mahalanobis, log_det;  // log det of the precision Cholesky factor, [K]
  switch (p.type) {
    case CovarianceType::Full:
      mahalanobis = features.defined()
                        ? mahalanobis_moments(features, p.means, p.precision_cholesky)
                        : mahalanobis_full(x, p.means, p.precision_cholesky);
      log_det = p.precision_cholesky.diagonal(0, 1, 2).log().sum(1);
      break;
    case CovarianceType::Diagonal:
      mahalanobis = mahalanobis_diagonal(x, p.means, p.precision_cholesky);
      log_det = p.precision_cholesky.log().sum(1);
      break;
    case CovarianceType::Spherical:
      mahalanobis = mahalanobis_spherical(x, p.means, p.precision_cholesky);
      log_det = static_cast<double>(d) * p.precision_cholesky.log();
      break;
  }
  return mahalanobis.mul_(-0.5).add_(log_det.unsqueeze(0) - 0.5 * static_cast<double>(d) * kLog2Pi);
}

MixtureParameters estimate_parameters(const torch::Tensor& x, const torch::Tensor& resp,
                                      CovarianceType type, double reg_covar,
                                      const torch::Tensor& features) {
  MixtureParameters p;
  p.type = type;
  const auto mass = resp.sum(0) + kEmptyComponentMass;  // [K]
  p.weights = mass / mass.sum();
  if (type == CovarianceType::Full && features.defined()) {
    // All first and second moments in one GEMM; covariance = E[x x^T] - mu mu^T.
    const int64_t d = x.size(1), k = resp.size(1);
    const auto moments = features.mm(resp).t() / mass.unsqueeze(1);  // [K, T + D]
    const int64_t t = moments.size(1) - d;
    p.means = moments.slice(1, t);
    const auto [rows, cols] = upper_triangle(d, x.device());
    const auto upper = moments.slice(1, 0, t);
    using torch::indexing::Slice;
    p.covariances = torch::zeros({k, d, d}, x.options())
                        .index_put_({Slice(), rows, cols}, upper)
                        .index_put_({Slice(), cols, rows}, upper)
                        .sub_(p.means.unsqueeze(2) * p.means.unsqueeze(1));
    p.covariances.diagonal(0, 1, 2).add_(reg_covar);
    p.precision_cholesky = precision_cholesky(p.covariances, type);
    return p;
  }
  p.means = resp.t().mm(x) / mass.unsqueeze(1);
  if (type == CovarianceType::Full) {
    p.covariances = scatter_full(x, resp, p.means).div_(mass.reshape({-1, 1, 1}));
    p.covariances.diagonal(0, 1, 2).add_(reg_covar);
  } else {
    // E_k[x^2] - mu_k^2 per dimension, as scikit-learn's _estimate_gaussian_covariances_diag.
    p.covariances = resp.t().mm(x.square()) / mass.unsqueeze(1) - p.means.square() + reg_covar;
    if (type == CovarianceType::Spherical) p.covariances = p.covariances.mean(1);
  }
  p.precision_cholesky = precision_cholesky(p.covariances, type);
  return p;
}

EmResult run_em(const torch::Tensor& x, const torch::Tensor& initial_resp, CovarianceType type,
                const EmSettings& settings) {
  torch::NoGradGuard no_grad;
  EmResult r;
  torch::Tensor features;  // computed once: every full-covariance step is then one GEMM over them
  const int64_t feature_count = x.size(1) * (x.size(1) + 3) / 2;
  if (type == CovarianceType::Full && x.size(0) * feature_count <= kMaxFeatureValues)
    features = moment_features(x);
  r.parameters = estimate_parameters(x, initial_resp, type, settings.reg_covar, features);
  r.lower_bound = -std::numeric_limits<double>::infinity();
  while (r.iterations < settings.max_iterations) {
    const double previous = r.lower_bound;
    const auto [resp, mean_log_likelihood] = expectation(x, r.parameters, features);
    r.parameters = estimate_parameters(x, resp, type, settings.reg_covar, features);
    r.lower_bound = mean_log_likelihood;
    ++r.iterations;
    if (settings.iteration_done && !settings.iteration_done(r.iterations)) throw Cancelled();
    if (std::abs(r.lower_bound - previous) < settings.tolerance) {
      r.converged = true;
      break;
    }
  }
  return r;
}

}  // namespace latentlab
