// fit_gmm and the BIC sweep: k-means starts, batched EM (gmm_em.h), the best of n_init kept.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/gmm.h"
#include "core/analysis/gmm_em.h"
#include "core/analysis/gmm_latents.h"
#include "core/analysis/kmeans.h"
#include "core/common/error.h"
#include "core/model/device.h"

namespace latentlab {
namespace {

void check_options(int64_t n, const GmmFitOptions& o) {
  const int64_t k = o.components;
  if (k < 1) throw InputError("GMM fit: the number of components must be at least 1");
  if (n < k)
    throw InputError("GMM fit: " + std::to_string(n) + " latents are too few for " +
                     std::to_string(k) + " components");
  if (o.max_iterations < 1 || o.n_init < 1)
    throw InputError("GMM fit: max_iterations and n_init must be at least 1");
  if (!(o.tolerance >= 0.0) || !(o.reg_covar >= 0.0) || !std::isfinite(o.reg_covar))
    throw InputError("GMM fit: tolerance and reg_covar must be finite and non-negative");
}

// Covariances of any type as the full matrices [K, D, D] that Gmm holds.
torch::Tensor full_covariances(const MixtureParameters& p, int64_t dim) {
  switch (p.type) {
    case CovarianceType::Diagonal:
      return torch::diag_embed(p.covariances);
    case CovarianceType::Spherical:
      return p.covariances.reshape({-1, 1, 1}) * torch::eye(dim, p.covariances.options());
    case CovarianceType::Full:
      break;
  }
  return p.covariances;
}

// The best of n_init EM runs on latents x [N, D] (centred, on the fitting device).
EmResult best_of_initialisations(const torch::Tensor& x, const GmmFitOptions& o,
                                 at::Generator& generator) {
  const int64_t total = static_cast<int64_t>(o.n_init) * o.max_iterations;
  EmResult best;
  for (int init = 0; init < o.n_init; ++init) {
    const int64_t before = static_cast<int64_t>(init) * o.max_iterations;
    KMeansSettings km;
    if (o.progress) km.keep_going = [&] { return o.progress(before, total); };
    const auto labels = kmeans(x, o.components, generator, km).labels;
    EmSettings em;
    em.max_iterations = o.max_iterations;
    em.tolerance = o.tolerance;
    em.reg_covar = o.reg_covar;
    if (o.progress) em.iteration_done = [&](int done) { return o.progress(before + done, total); };
    auto run =
        run_em(x, torch::one_hot(labels, o.components).to(x.scalar_type()), o.covariance, em);
    if (init == 0 || run.lower_bound > best.lower_bound) best = std::move(run);
  }
  if (o.progress && !o.progress(total, total)) throw Cancelled();
  return best;
}

}  // namespace

GmmFit fit_gmm(const torch::Tensor& latents, const GmmFitOptions& options) {
  torch::NoGradGuard no_grad;
  const auto z = checked_latents(latents, "GMM fit");
  const int64_t n = z.size(0), d = z.size(1), k = options.components;
  check_options(n, options);
  const auto device = options.device.value_or(resolve_device("auto"));
  auto generator = at::detail::createCPUGenerator(options.seed);
  auto fitted = z.to(device);
  if (options.max_samples > 0 && n > std::max(options.max_samples, k)) {
    const auto pick =
        torch::randperm(n, generator, torch::kInt64).slice(0, 0, std::max(options.max_samples, k));
    fitted = fitted.index_select(0, std::get<0>(pick.sort()).to(device));
  }
  // EM sees latents centred on their mean: the expanded squares of the diagonal and spherical
  // densities and the k-means distances then lose no digits to a common offset.
  const auto offset = fitted.mean(0);
  EmResult em;
  try {
    em = best_of_initialisations(fitted - offset, options, generator);
  } catch (const InputError& e) {
    throw InputError(std::string("GMM fit: ") + e.what());
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& e) {
    throw Error(std::string("GMM fit: ") + e.what());
  }
  const auto& p = em.parameters;
  GmmFit fit{Gmm(p.weights, p.means + offset, full_covariances(p, d), options.covariance),
             {},
             {},
             0.0,
             fitted.size(0),
             em.iterations,
             em.converged};
  const auto log_densities = fit.model.component_log_densities(z.to(device));
  fit.labels = log_densities.argmax(1).cpu();
  fit.log_likelihoods = torch::logsumexp(log_densities, 1).cpu();
  fit.bic = -2.0 * fit.log_likelihoods.sum().item<double>() +
            static_cast<double>(fit.model.parameter_count()) * std::log(static_cast<double>(n));
  return fit;
}

std::vector<BicPoint> bic_curve(const torch::Tensor& latents, int64_t k_min, int64_t k_max,
                                const GmmFitOptions& options) {
  if (k_min < 1 || k_max < k_min)
    throw InputError("BIC: the range of components must satisfy 1 <= min <= max");
  const int64_t per_fit = static_cast<int64_t>(options.n_init) * options.max_iterations;
  const int64_t total = (k_max - k_min + 1) * per_fit;
  std::vector<BicPoint> curve;
  for (int64_t k = k_min; k <= k_max; ++k) {
    auto o = options;
    o.components = k;
    if (options.progress) {
      const int64_t before = (k - k_min) * per_fit;
      o.progress = [&options, before, total](int64_t done, int64_t) {
        return options.progress(before + done, total);
      };
    }
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
