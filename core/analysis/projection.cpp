#include "core/analysis/projection.h"

#include <torch/torch.h>

#include "core/common/error.h"

namespace latentlab {
namespace {

torch::Tensor as_matrix(const torch::Tensor& latents, const char* what) {
  if (!latents.defined() || latents.dim() != 2)
    throw InputError(std::string(what) + ": latents must have shape [N, D]");
  auto z = latents.to(torch::kCPU, torch::kFloat64);
  if (!torch::isfinite(z).all().item<bool>())
    throw InputError(std::string(what) + ": latents contain NaN or Inf");
  return z;
}

}  // namespace

torch::Tensor Projection::project(const torch::Tensor& latents) const {
  const bool single = latents.dim() == 1;
  auto z = latents.to(torch::kCPU, torch::kFloat64);
  if (single) z = z.unsqueeze(0);
  if (z.dim() != 2 || z.size(1) != dim())
    throw InputError("projection: latents must have " + std::to_string(dim()) +
                     " values, got shape " + c10::str(latents.sizes()));
  auto y = torch::matmul(z - mean, components.t());
  return single ? y.squeeze(0) : y;
}

torch::Tensor Projection::axes() const {
  return (components * explained_variance.clamp_min(0).sqrt().unsqueeze(1)).to(torch::kFloat32);
}

Projection fit_pca(const torch::Tensor& latents, int64_t components) {
  const auto z = as_matrix(latents, "PCA");
  const int64_t n = z.size(0), d = z.size(1);
  if (n < 2) throw InputError("PCA needs at least 2 latents, got " + std::to_string(n));
  if (components <= 0 || components > d) components = d;
  Projection p;
  p.kind = "pca";
  p.mean = z.mean(0);
  const auto centred = z - p.mean;
  // The D x D covariance is far cheaper than an SVD of the N x D data for N >> D, and in
  // float64 just as accurate for the well-conditioned latents we see.
  const auto cov = torch::matmul(centred.t(), centred) / static_cast<double>(n - 1);
  auto [values, vectors] = torch::linalg_eigh(cov, "L");  // ascending
  values = values.flip(0).clamp_min(0);
  vectors = vectors.flip(1).t();  // rows, descending variance
  // Sign convention: the entry of largest magnitude is positive.
  const auto pivot = vectors.abs().argmax(1, /*keepdim=*/true);
  const auto signs = vectors.gather(1, pivot).sign();
  vectors = vectors * torch::where(signs == 0, torch::ones_like(signs), signs);
  const double total = cov.trace().item<double>();
  p.components = vectors.slice(0, 0, components).contiguous();
  p.explained_variance = values.slice(0, 0, components).contiguous();
  p.explained_variance_ratio =
      total > 0 ? p.explained_variance / total : torch::zeros_like(p.explained_variance);
  for (int64_t c = 0; c < components; ++c) p.axis_names.push_back("PC" + std::to_string(c + 1));
  return p;
}

Projection dims_projection(int64_t latent_dim, int64_t i, int64_t j, const torch::Tensor& latents) {
  for (int64_t k : {i, j})
    if (k < 0 || k >= latent_dim)
      throw InputError("dimension " + std::to_string(k) + " is outside the latent size " +
                       std::to_string(latent_dim) + " (dimensions count from 0)");
  Projection p;
  p.kind = "dims:" + std::to_string(i) + "," + std::to_string(j);
  p.axis_names = {"z" + std::to_string(i), "z" + std::to_string(j)};
  p.mean = torch::zeros({latent_dim}, torch::kFloat64);
  p.components = torch::zeros({2, latent_dim}, torch::kFloat64);
  p.components[0][i] = 1.0;
  p.components[1][j] = 1.0;
  p.explained_variance = torch::zeros({2}, torch::kFloat64);
  p.explained_variance_ratio = torch::zeros({2}, torch::kFloat64);
  if (latents.defined() && latents.size(0) >= 2) {
    const auto z = as_matrix(latents, "projection");
    if (z.size(1) != latent_dim)
      throw InputError("projection: latents must have " + std::to_string(latent_dim) + " values");
    const auto var = z.var(0, /*unbiased=*/true);
    p.explained_variance = torch::stack({var[i], var[j]});
    const double total = var.sum().item<double>();
    if (total > 0) p.explained_variance_ratio = p.explained_variance / total;
  }
  return p;
}

Projection make_projection(const std::string& spec, const torch::Tensor& latents) {
  if (spec == "pca") return fit_pca(latents, 2);
  if (spec.rfind("dims:", 0) == 0) {
    const auto rest = spec.substr(5);
    const auto comma = rest.find(',');
    try {
      if (comma == std::string::npos) throw std::invalid_argument("no comma");
      size_t used_i = 0, used_j = 0;
      const auto a = rest.substr(0, comma), b = rest.substr(comma + 1);
      const int64_t i = std::stoll(a, &used_i), j = std::stoll(b, &used_j);
      if (used_i != a.size() || used_j != b.size()) throw std::invalid_argument("trailing text");
      return dims_projection(latents.size(1), i, j, latents);
    } catch (const std::logic_error&) {
      throw InputError("projection '" + spec + "': expected dims:I,J with two integers");
    }
  }
  throw InputError("unknown projection '" + spec + "' (use pca or dims:I,J)");
}

}  // namespace latentlab
