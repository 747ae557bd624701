#include "core/fitting/gmm.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/ml.hpp>

#include "core/common/error.h"

namespace latentlab {
namespace {

constexpr double kLog2Pi = 1.8378770664093454835606594728112;  // log(2 pi)
constexpr int64_t kChunk = 4096;  // latents per block when evaluating densities (bounds memory)

torch::Tensor cpu_double(const torch::Tensor& t) {
  return t.to(torch::kCPU, torch::kFloat64).contiguous();
}

torch::Tensor checked_latents(const torch::Tensor& latents, const char* what) {
  if (!latents.defined() || latents.dim() != 2)
    throw InputError(std::string(what) + ": latents must have shape [N, D]");
  auto z = cpu_double(latents);
  if (!torch::isfinite(z).all().item<bool>())
    throw InputError(std::string(what) + ": latents contain NaN or Inf");
  return z;
}

torch::Tensor from_mat(const cv::Mat& m) {
  cv::Mat d;
  m.convertTo(d, CV_64F);
  if (!d.isContinuous()) d = d.clone();
  return torch::from_blob(d.ptr<double>(), {d.rows, d.cols}, torch::kFloat64).clone();
}

// EM floors eigenvalues at DBL_EPSILON when it decides, but hands back the raw covariance; a
// component collapsed onto a few points may then not factorise. Add the smallest ridge that
// makes every covariance positive definite.
torch::Tensor make_positive_definite(torch::Tensor covariances) {
  const int64_t d = covariances.size(1);
  const auto eye = torch::eye(d, torch::kFloat64);
  for (int64_t k = 0; k < covariances.size(0); ++k) {
    auto c = covariances[k];
    const double scale = std::max(c.diagonal().mean().item<double>(), 1e-300);
    for (double ridge = 1e-12; ridge <= 1e-2; ridge *= 10) {
      if (std::get<1>(torch::linalg_cholesky_ex(c)).item<int64_t>() == 0) break;
      c = covariances[k] + ridge * scale * eye;
    }
    covariances[k] = c;
  }
  return covariances;
}

int em_covariance_type(CovarianceType type) {
  switch (type) {
    case CovarianceType::Diagonal:
      return cv::ml::EM::COV_MAT_DIAGONAL;
    case CovarianceType::Spherical:
      return cv::ml::EM::COV_MAT_SPHERICAL;
    case CovarianceType::Full:
      break;
  }
  return cv::ml::EM::COV_MAT_GENERIC;
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
  const auto log_det = 2.0 * cholesky_.diagonal(0, 1, 2).log().sum(1);
  log_norms_ = weights_.log() - 0.5 * (static_cast<double>(d) * kLog2Pi + log_det);
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
  std::vector<torch::Tensor> blocks;
  for (int64_t start = 0; start < z.size(0); start += kChunk) {
    const auto block = z.slice(0, start, start + kChunk);
    // Mahalanobis distances through the Cholesky factor: |L^-1 (z - mu)|^2.
    const auto diff = (block.unsqueeze(0) - means_.unsqueeze(1)).transpose(1, 2);  // [K, D, n]
    const auto white =
        torch::linalg::solve_triangular(cholesky_, diff, /*upper=*/false, /*left=*/true,
                                        /*unitriangular=*/false);
    const auto mahalanobis = white.pow(2).sum(1);  // [K, n]
    blocks.push_back((log_norms_.unsqueeze(1) - 0.5 * mahalanobis).t());
  }
  if (blocks.empty()) return torch::zeros({0, components()}, torch::kFloat64);
  return torch::cat(blocks, 0);
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
  auto [values, vectors] = torch::linalg::eigh(covs, "L");                 // ascending
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

GmmFit fit_gmm(const torch::Tensor& latents, const GmmFitOptions& options) {
  torch::NoGradGuard no_grad;
  const auto z = checked_latents(latents, "GMM fit");
  const int64_t n = z.size(0), d = z.size(1), k = options.components;
  if (k < 1) throw InputError("GMM fit: the number of components must be at least 1");
  if (n < k)
    throw InputError("GMM fit: " + std::to_string(n) + " latents are too few for " +
                     std::to_string(k) + " components");
  auto fitted = z;
  if (options.max_samples > 0 && n > std::max(options.max_samples, k)) {
    auto gen = at::detail::createCPUGenerator(options.seed);
    const auto pick =
        torch::randperm(n, gen, torch::kInt64).slice(0, 0, std::max(options.max_samples, k));
    fitted = z.index_select(0, std::get<0>(pick.sort())).contiguous();
  }
  cv::Ptr<cv::ml::EM> em = cv::ml::EM::create();
  em->setClustersNumber(static_cast<int>(k));
  em->setCovarianceMatrixType(em_covariance_type(options.covariance));
  em->setTermCriteria(cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS,
                                       std::max(options.max_iterations, 1), options.tolerance));
  try {
    // EM's k-means++ initialisation draws from this thread's cv::theRNG().
    cv::theRNG() = cv::RNG(options.seed);
    const cv::Mat samples(static_cast<int>(fitted.size(0)), static_cast<int>(d), CV_64F,
                          fitted.data_ptr<double>());
    if (!em->trainEM(samples, cv::noArray(), cv::noArray(), cv::noArray()))
      throw Error("GMM fit: EM did not converge (a component's likelihood vanished)");
  } catch (const cv::Exception& e) {
    throw Error(std::string("GMM fit: OpenCV EM failed: ") + e.what());
  }
  std::vector<cv::Mat> covs;
  em->getCovs(covs);
  auto covariances = torch::empty({k, d, d}, torch::kFloat64);
  for (int64_t c = 0; c < k; ++c) covariances[c] = from_mat(covs[c]);
  GmmFit fit{Gmm(from_mat(em->getWeights()).reshape({k}), from_mat(em->getMeans()),
                 make_positive_definite(covariances), options.covariance),
             {},
             {},
             0.0,
             fitted.size(0)};
  const auto log_densities = fit.model.component_log_densities(z);
  fit.labels = log_densities.argmax(1);
  fit.log_likelihoods = torch::logsumexp(log_densities, 1);
  fit.bic = -2.0 * fit.log_likelihoods.sum().item<double>() +
            static_cast<double>(fit.model.parameter_count()) * std::log(static_cast<double>(n));
  return fit;
}

std::vector<BicPoint> bic_curve(const torch::Tensor& latents, int64_t k_min, int64_t k_max,
                                const GmmFitOptions& options) {
  if (k_min < 1 || k_max < k_min)
    throw InputError("BIC: the range of components must satisfy 1 <= min <= max");
  std::vector<BicPoint> curve;
  for (int64_t k = k_min; k <= k_max; ++k) {
    auto o = options;
    o.components = k;
    const auto fit = fit_gmm(latents, o);
    curve.push_back({k, fit.bic, fit.log_likelihoods.mean().item<double>()});
  }
  return curve;
}

int64_t best_components(const std::vector<BicPoint>& curve) {
  if (curve.empty()) throw InputError("BIC: empty curve");
  const auto best =
      std::min_element(curve.begin(), curve.end(),
                       [](const BicPoint& a, const BicPoint& b) { return a.bic < b.bic; });
  return best->components;
}

}  // namespace latentlab
