#include "core/analysis/gmm.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>

#include "core/analysis/gmm_em.h"
#include "core/analysis/gmm_latents.h"
#include "core/common/error.h"

namespace latentlab {
namespace {

torch::Tensor cpu_double(const torch::Tensor& t) {
  return t.to(torch::kCPU, torch::kFloat64).contiguous();
}

}  // namespace

std::string to_string(CovarianceType type) {
  switch (type) {
    case CovarianceType::Diagonal:
      return "diag";
    case CovarianceType::Spherical:
      return "spherical";
    case CovarianceType::Full:
      break;
  }
  return "full";
}

CovarianceType parse_covariance_type(const std::string& text) {
  if (text == "full") return CovarianceType::Full;
  if (text == "diag" || text == "diagonal") return CovarianceType::Diagonal;
  if (text == "spherical") return CovarianceType::Spherical;
  throw InputError("unknown covariance type '" + text + "' (use full, diag or spherical)");
}

std::vector<std::array<double, 2>> Ellipse::outline(int points) const {
  points = std::max(points, 3);
  std::vector<std::array<double, 2>> out;
  out.reserve(points + 1);
  const double c = std::cos(angle), s = std::sin(angle);
  for (int i = 0; i <= points; ++i) {
    const double t = 2.0 * M_PI * (i % points) / points;
    const double u = semi_major * std::cos(t), v = semi_minor * std::sin(t);
    out.push_back({center_x + u * c - v * s, center_y + u * s + v * c});
  }
  return out;
}

Gmm::Gmm(torch::Tensor weights, torch::Tensor means, torch::Tensor covariances, CovarianceType type)
    : type_(type) {
  if (!weights.defined() || !means.defined() || !covariances.defined() || means.dim() != 2 ||
      means.size(0) < 1 || means.size(1) < 1)
    throw InputError("GMM: means must have shape [K, D] with K, D >= 1");
  const int64_t k = means.size(0), d = means.size(1);
  if (weights.numel() != k || covariances.dim() != 3 || covariances.size(0) != k ||
      covariances.size(1) != d || covariances.size(2) != d)
    throw InputError("GMM: expected " + std::to_string(k) + " weights and covariances of shape [" +
                     std::to_string(k) + ", " + std::to_string(d) + ", " + std::to_string(d) +
                     "], got " + c10::str(weights.sizes()) + " and " +
                     c10::str(covariances.sizes()));
  weights_ = cpu_double(weights).reshape({k});
  means_ = cpu_double(means);
  covariances_ = cpu_double(covariances);
  for (const auto* t : {&weights_, &means_, &covariances_})
    if (!torch::isfinite(*t).all().item<bool>())
      throw InputError("GMM: parameters contain NaN or Inf");
  if ((weights_ <= 0).any().item<bool>())
    throw InputError("GMM: component weights must be positive");
  weights_ = weights_ / weights_.sum();
  const double asymmetry = (covariances_ - covariances_.transpose(1, 2)).abs().max().item<double>();
  if (asymmetry > 1e-6 * std::max(1.0, covariances_.abs().max().item<double>()))
    throw InputError("GMM: covariances must be symmetric");
  covariances_ = 0.5 * (covariances_ + covariances_.transpose(1, 2));
  auto [factor, info] = torch::linalg_cholesky_ex(covariances_);
  const auto bad = torch::nonzero(info);
  if (bad.numel() > 0)
    throw InputError("GMM: the covariance of component " +
                     std::to_string(bad[0][0].item<int64_t>()) + " is not positive definite");
  cholesky_ = factor;
  precision_cholesky_ = precision_from_cholesky(factor);
  log_weights_ = weights_.log();
}

Gmm Gmm::from_info(const GaussianMixture& info) {
  const int64_t k = info.components, d = info.dim;
  if (k < 1 || d < 1 || static_cast<int64_t>(info.weights.size()) != k ||
      static_cast<int64_t>(info.means.size()) != k * d ||
      static_cast<int64_t>(info.covariances.size()) != k * d * d)
    throw InputError("GMM: stored sizes do not match " + std::to_string(k) +
                     " components of size " + std::to_string(d));
  const auto tensor = [](const std::vector<float>& v, std::vector<int64_t> shape) {
    return torch::tensor(v, torch::kFloat32).reshape(shape).to(torch::kFloat64);
  };
  return Gmm(tensor(info.weights, {k}), tensor(info.means, {k, d}),
             tensor(info.covariances, {k, d, d}), parse_covariance_type(info.covariance_type));
}

GaussianMixture Gmm::to_info() const {
  const auto floats = [](const torch::Tensor& t) {
    const auto f = t.to(torch::kFloat32).contiguous();
    return std::vector<float>(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
  };
  GaussianMixture info;
  info.covariance_type = to_string(type_);
  info.components = components();
  info.dim = dim();
  info.weights = floats(weights_);
  info.means = floats(means_);
  info.covariances = floats(covariances_);
  return info;
}

torch::Tensor Gmm::as_latents(const torch::Tensor& latents) const {
  auto z = checked_latents(latents, "GMM");
  if (z.size(1) != dim())
    throw InputError("GMM: latents must have " + std::to_string(dim()) + " values, got shape " +
                     c10::str(latents.sizes()));
  return z;
}

torch::Tensor Gmm::component_log_densities(const torch::Tensor& latents) const {
  torch::NoGradGuard no_grad;
  const auto z = as_latents(latents);
  const auto device = z.device();
  const MixtureParameters full{CovarianceType::Full, weights_.to(device), means_.to(device),
                               covariances_.to(device), precision_cholesky_.to(device)};
  return gaussian_log_densities(z, full).add_(log_weights_.to(device).unsqueeze(0));
}

torch::Tensor Gmm::log_likelihood(const torch::Tensor& latents) const {
  if (latents.dim() == 1)
    return torch::logsumexp(component_log_densities(latents.unsqueeze(0)), 1)[0];
  return torch::logsumexp(component_log_densities(latents), 1);
}

double Gmm::log_likelihood_of(const torch::Tensor& latent) const {
  if (latent.dim() != 1) throw InputError("GMM: one latent must have shape [D]");
  return log_likelihood(latent).item<double>();
}

torch::Tensor Gmm::responsibilities(const torch::Tensor& latents) const {
  return torch::softmax(component_log_densities(latents), 1);
}

torch::Tensor Gmm::predict(const torch::Tensor& latents) const {
  return component_log_densities(latents).argmax(1);
}

torch::Tensor Gmm::sample(int64_t n, uint64_t seed, int64_t component) const {
  torch::NoGradGuard no_grad;
  if (n < 0) throw InputError("GMM: cannot draw a negative number of samples");
  if (component >= components())
    throw InputError("GMM: component " + std::to_string(component) + " does not exist (it has " +
                     std::to_string(components()) + ", counted from 0)");
  if (n == 0) return torch::zeros({0, dim()}, torch::kFloat32);
  auto gen = at::detail::createCPUGenerator(seed);
  const auto which = component < 0 ? torch::multinomial(weights_, n, /*replacement=*/true, gen)
                                   : torch::full({n}, component, torch::kInt64);
  const auto noise = torch::randn({n, dim(), 1}, gen, torch::kFloat64);
  const auto z = means_.index_select(0, which) +
                 torch::matmul(cholesky_.index_select(0, which), noise).squeeze(-1);
  return z.to(torch::kFloat32);
}

int64_t Gmm::parameter_count() const {
  const int64_t k = components(), d = dim();
  int64_t covariance = 0;
  switch (type_) {
    case CovarianceType::Full:
      covariance = k * d * (d + 1) / 2;
      break;
    case CovarianceType::Diagonal:
      covariance = k * d;
      break;
    case CovarianceType::Spherical:
      covariance = k;
      break;
  }
  return covariance + k * d + (k - 1);
}

double Gmm::bic(const torch::Tensor& latents) const {
  const auto ll = log_likelihood(latents);
  const double n = static_cast<double>(ll.numel());
  if (n == 0) throw InputError("GMM: BIC needs at least one latent");
  return -2.0 * ll.sum().item<double>() + static_cast<double>(parameter_count()) * std::log(n);
}

std::vector<Ellipse> Gmm::ellipses(const Projection& projection, double sigmas) const {
  if (projection.size() < 2 || projection.dim() != dim())
    throw InputError("GMM: ellipses need a 2D projection of " + std::to_string(dim()) + " values");
  const auto p = projection.components.slice(0, 0, 2).to(torch::kFloat64);  // [2, D]
  const auto centres =
      torch::matmul(means_ - projection.mean.to(torch::kFloat64), p.t());  // [K, 2]
  const auto covs = torch::matmul(torch::matmul(p, covariances_), p.t());  // [K, 2, 2]
  auto [values, vectors] = torch::linalg_eigh(covs, "L");                  // ascending
  std::vector<Ellipse> out;
  for (int64_t k = 0; k < components(); ++k) {
    Ellipse e;
    e.center_x = centres[k][0].item<double>();
    e.center_y = centres[k][1].item<double>();
    e.semi_major = sigmas * std::sqrt(std::max(values[k][1].item<double>(), 0.0));
    e.semi_minor = sigmas * std::sqrt(std::max(values[k][0].item<double>(), 0.0));
    double angle = std::atan2(vectors[k][1][1].item<double>(), vectors[k][0][1].item<double>());
    if (angle <= -M_PI / 2) angle += M_PI;
    if (angle > M_PI / 2) angle -= M_PI;
    e.angle = angle;
    out.push_back(e);
  }
  return out;
}

}  // namespace latentlab
