// The batched EM (core/analysis/gmm_em.h, kmeans.h, fit_gmm): recovery of known mixtures for each
// covariance type, the diagonal and spherical densities against the full-matrix path, the moment
// features' E- and M-step against the direct ones, determinism, progress and cancellation,
// degenerate latents, CUDA against the CPU where there is a GPU.
// LibTorch only (scikit-learn comparisons: test_gmm_sklearn.cpp).
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/analysis/gmm.h"
#include "core/analysis/gmm_em.h"
#include "core/analysis/kmeans.h"
#include "core/common/error.h"

using namespace latentlab;

namespace {

const auto kF64 = torch::kFloat64;

// A known mixture of three 4-D components with well separated means.
Gmm known_mixture(const torch::Tensor& covariances, CovarianceType type) {
  const auto means =
      torch::tensor({{0.0, 0.0, 0.0, 0.0}, {8.0, -6.0, 2.0, 0.0}, {-7.0, 5.0, 9.0, -4.0}}, kF64);
  return Gmm(torch::tensor({0.2, 0.3, 0.5}, kF64), means, covariances, type);
}

torch::Tensor random_covariances(int64_t k, int64_t d) {
  const auto a = torch::randn({k, d, d}, kF64) * 0.7;
  return torch::matmul(a, a.transpose(1, 2)) + 0.5 * torch::eye(d, kF64);
}

GmmFitOptions options_for(int64_t k, CovarianceType type, uint64_t seed = 0) {
  GmmFitOptions o;
  o.components = k;
  o.covariance = type;
  o.seed = seed;
  o.device = torch::kCPU;
  return o;
}

// For every true component, the fitted one with the nearest mean; checks they are all different.
std::vector<int64_t> match_components(const Gmm& truth, const Gmm& fitted) {
  const auto nearest = torch::cdist(truth.means(), fitted.means()).argmin(1);
  EXPECT_EQ(std::get<0>(torch::_unique(nearest)).numel(), truth.components());
  return std::vector<int64_t>(nearest.data_ptr<int64_t>(),
                              nearest.data_ptr<int64_t>() + nearest.numel());
}

void expect_recovered(const Gmm& truth, const Gmm& fitted, double covariance_tolerance) {
  const auto match = match_components(truth, fitted);
  for (int64_t c = 0; c < truth.components(); ++c) {
    const int64_t f = match[c];
    EXPECT_NEAR(fitted.weights()[f].item<double>(), truth.weights()[c].item<double>(), 0.02);
    EXPECT_TRUE(torch::allclose(fitted.means()[f], truth.means()[c], 0, 0.15))
        << fitted.means()[f] << truth.means()[c];
    EXPECT_TRUE(
        torch::allclose(fitted.covariances()[f], truth.covariances()[c], 0, covariance_tolerance))
        << fitted.covariances()[f] << truth.covariances()[c];
  }
}

}  // namespace

TEST(GmmEm, RecoversAKnownFullCovarianceMixture) {
  torch::manual_seed(0);
  const auto truth = known_mixture(random_covariances(3, 4), CovarianceType::Full);
  const auto z = truth.sample(6000, 1);
  const auto fit = fit_gmm(z, options_for(3, CovarianceType::Full));
  EXPECT_TRUE(fit.converged);
  EXPECT_LT(fit.iterations, 100);
  expect_recovered(truth, fit.model, 0.3);
  // The fitted mixture explains the data at least as well as the one that made it.
  EXPECT_GE(fit.log_likelihoods.mean().item<double>(),
            truth.log_likelihood(z).mean().item<double>() - 1e-9);
}

TEST(GmmEm, RecoversDiagonalAndSphericalMixturesInTheirShape) {
  const auto variances =
      torch::tensor({{0.5, 1.0, 2.0, 3.0}, {2.0, 0.3, 1.0, 1.5}, {1.0, 1.0, 0.4, 2.5}}, kF64);
  const auto diag_truth = known_mixture(torch::diag_embed(variances), CovarianceType::Diagonal);
  const auto diag = fit_gmm(diag_truth.sample(6000, 2), options_for(3, CovarianceType::Diagonal));
  expect_recovered(diag_truth, diag.model, 0.25);
  for (int64_t k = 0; k < 3; ++k) {
    const auto c = diag.model.covariances()[k];
    EXPECT_TRUE(torch::equal(c, torch::diag(c.diagonal()))) << c;
  }
  EXPECT_EQ(diag.model.covariance_type(), CovarianceType::Diagonal);

  const auto spheres =
      torch::tensor({0.5, 2.0, 1.2}, kF64).reshape({3, 1, 1}) * torch::eye(4, kF64);
  const auto sph_truth = known_mixture(spheres, CovarianceType::Spherical);
  const auto sph = fit_gmm(sph_truth.sample(6000, 3), options_for(3, CovarianceType::Spherical));
  expect_recovered(sph_truth, sph.model, 0.15);
  for (int64_t k = 0; k < 3; ++k) {
    const auto c = sph.model.covariances()[k];
    EXPECT_TRUE(torch::equal(c, c[0][0] * torch::eye(4, kF64))) << c;
  }
  EXPECT_EQ(sph.model.parameter_count(), 3 + 3 * 4 + 2);
}

TEST(GmmEm, DiagonalAndSphericalDensitiesEqualTheFullMatrixPath) {
  torch::manual_seed(1);
  const int64_t k = 3, d = 5;
  const auto x = torch::randn({50, d}, kF64) * 2;
  MixtureParameters p;
  p.weights = torch::full({k}, 1.0 / k, kF64);
  p.means = torch::randn({k, d}, kF64);
  for (auto type : {CovarianceType::Diagonal, CovarianceType::Spherical}) {
    p.type = type;
    p.covariances = type == CovarianceType::Diagonal ? torch::rand({k, d}, kF64) + 0.2
                                                     : torch::rand({k}, kF64) + 0.2;
    p.precision_cholesky = precision_cholesky(p.covariances, type);
    const auto full = type == CovarianceType::Diagonal
                          ? torch::diag_embed(p.covariances)
                          : p.covariances.reshape({k, 1, 1}) * torch::eye(d, kF64);
    const Gmm reference(p.weights, p.means, full);
    EXPECT_TRUE(torch::allclose(gaussian_log_densities(x, p) + std::log(1.0 / k),
                                reference.component_log_densities(x), 1e-10, 1e-10))
        << to_string(type);
  }
}

TEST(GmmEm, MomentFeaturesGiveTheDirectPathsResults) {
  torch::manual_seed(6);
  const int64_t k = 4, d = 6;
  const auto x = torch::randn({300, d}, kF64) * 1.5;
  const auto features = moment_features(x);
  ASSERT_EQ(features.sizes(), (torch::IntArrayRef{d * (d + 3) / 2, 300}));
  EXPECT_TRUE(torch::equal(features[0], x.select(1, 0).square()));
  EXPECT_TRUE(torch::equal(features[1], x.select(1, 0) * x.select(1, 1)));
  EXPECT_TRUE(torch::equal(features[d], x.select(1, 1).square()));
  EXPECT_TRUE(torch::equal(features.slice(0, -d), x.t()));
  const auto resp = torch::softmax(torch::randn({300, k}, kF64) * 3, 1);
  const auto direct = estimate_parameters(x, resp, CovarianceType::Full, 1e-6);
  const auto moments = estimate_parameters(x, resp, CovarianceType::Full, 1e-6, features);
  EXPECT_TRUE(torch::allclose(moments.means, direct.means, 1e-12, 1e-12));
  EXPECT_TRUE(torch::allclose(moments.covariances, direct.covariances, 1e-10, 1e-12));
  EXPECT_TRUE(torch::allclose(gaussian_log_densities(x, direct, features),
                              gaussian_log_densities(x, direct), 1e-10, 1e-10));
}

TEST(GmmEm, SameSeedSameMixtureAndMoreInitialisationsNeverWorse) {
  torch::manual_seed(2);
  // Overlapping clusters, so that the start matters.
  const auto truth = known_mixture(random_covariances(3, 4) * 6, CovarianceType::Full);
  const auto z = truth.sample(1500, 4);
  auto o = options_for(5, CovarianceType::Full, 11);
  const auto a = fit_gmm(z, o), b = fit_gmm(z, o);
  EXPECT_TRUE(torch::equal(a.model.means(), b.model.means()));
  EXPECT_TRUE(torch::equal(a.model.covariances(), b.model.covariances()));
  EXPECT_TRUE(torch::equal(a.labels, b.labels));
  EXPECT_TRUE(torch::equal(a.log_likelihoods, b.log_likelihoods));
  // n_init = 4 starts with the same draws as n_init = 1 and keeps the best of its runs.
  o.n_init = 4;
  const auto best = fit_gmm(z, o);
  EXPECT_GE(best.log_likelihoods.mean().item<double>(),
            a.log_likelihoods.mean().item<double>() - 1e-3);
}

TEST(GmmEm, ProgressCountsIterationsAndCancels) {
  torch::manual_seed(3);
  const auto z = known_mixture(random_covariances(3, 4), CovarianceType::Full).sample(600, 5);
  auto o = options_for(3, CovarianceType::Full);
  o.n_init = 2;
  o.max_iterations = 40;
  std::vector<std::pair<int64_t, int64_t>> seen;
  o.progress = [&seen](int64_t done, int64_t total) {
    seen.emplace_back(done, total);
    return true;
  };
  fit_gmm(z, o);
  ASSERT_GT(seen.size(), 4u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].second, 80);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].first, seen[i - 1].first);
  EXPECT_EQ(seen.back().first, 80);

  int calls = 0;
  o.progress = [&calls](int64_t, int64_t) { return ++calls < 3; };
  EXPECT_THROW(fit_gmm(z, o), Cancelled);
  EXPECT_EQ(calls, 3);  // nothing ran after the "no"

  // A BIC sweep reports one count over all its fits.
  seen.clear();
  o.progress = [&seen](int64_t done, int64_t total) {
    seen.emplace_back(done, total);
    return true;
  };
  bic_curve(z, 1, 3, o);
  EXPECT_EQ(seen.back(), (std::pair<int64_t, int64_t>{240, 240}));
}

TEST(GmmEm, DuplicateLatentsAreRegularisedOrRefused) {
  const auto distinct =
      torch::tensor({{0.0, 0.0, 0.0}, {1.0, 0.0, 0.0}, {0.0, 5.0, 0.0}, {3.0, 3.0, 3.0}}, kF64);
  const auto z = distinct.repeat({25, 1});  // 100 latents, 4 distinct
  for (auto type : {CovarianceType::Full, CovarianceType::Diagonal, CovarianceType::Spherical}) {
    // As many components as distinct latents: each collapses onto one point, and reg_covar
    // keeps its covariance positive definite.
    const auto fit = fit_gmm(z, options_for(4, type));
    EXPECT_TRUE(torch::allclose(fit.model.weights(), torch::full({4}, 0.25, kF64)));
    for (int64_t k = 0; k < 4; ++k)
      EXPECT_TRUE(torch::allclose(fit.model.covariances()[k], 1e-6 * torch::eye(3, kF64), 0, 1e-12))
          << to_string(type) << fit.model.covariances()[k];
    EXPECT_TRUE(torch::isfinite(fit.log_likelihoods).all().item<bool>());
    // One more component than distinct latents: a clear refusal.
    try {
      fit_gmm(z, options_for(5, type));
      ADD_FAILURE() << "5 components on 4 distinct latents were accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("only 4 distinct latents"), std::string::npos)
          << e.what();
    }
  }
  // Without regularisation a collapsed component has no density (the second point's first
  // coordinate is the data's mean, so its variance there is exactly 0): an Error naming it.
  auto o = options_for(4, CovarianceType::Full);
  o.reg_covar = 0.0;
  EXPECT_THROW(fit_gmm(z, o), Error);
  o.reg_covar = -1.0;
  EXPECT_THROW(fit_gmm(z, o), InputError);
  o = options_for(2, CovarianceType::Full);
  o.n_init = 0;
  EXPECT_THROW(fit_gmm(z, o), InputError);
}

TEST(GmmEm, KMeansFindsSeparatedClusters) {
  torch::manual_seed(4);
  const auto centres = torch::tensor({{0.0, 0.0}, {20.0, 0.0}, {0.0, 20.0}}, kF64);
  const auto x = torch::cat({centres[0] + torch::randn({100, 2}, kF64),
                             centres[1] + torch::randn({100, 2}, kF64),
                             centres[2] + torch::randn({100, 2}, kF64)});
  auto generator = at::detail::createCPUGenerator(3);
  const auto r = kmeans(x, 3, generator);
  for (int64_t c = 0; c < 3; ++c) {
    const auto part = r.labels.slice(0, c * 100, (c + 1) * 100);
    EXPECT_TRUE((part == part[0]).all().item<bool>());
    EXPECT_TRUE(torch::allclose(r.centres[part[0].item<int64_t>()], centres[c], 0, 0.3));
  }
  EXPECT_LT(r.iterations, 10);
}

TEST(GmmEm, CudaFitEqualsTheCpuFit) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "this LibTorch or machine has no CUDA";
  torch::manual_seed(5);
  const auto z = known_mixture(random_covariances(3, 4), CovarianceType::Full).sample(3000, 6);
  for (auto type : {CovarianceType::Full, CovarianceType::Diagonal, CovarianceType::Spherical}) {
    auto o = options_for(3, type, 2);
    const auto cpu = fit_gmm(z, o);
    o.device = torch::Device(torch::kCUDA);
    const auto cuda = fit_gmm(z, o);
    EXPECT_TRUE(torch::equal(cpu.labels, cuda.labels)) << to_string(type);
    EXPECT_TRUE(torch::allclose(cpu.model.means(), cuda.model.means(), 1e-8, 1e-8));
    EXPECT_TRUE(torch::allclose(cpu.log_likelihoods, cuda.log_likelihoods, 1e-8, 1e-8));
    EXPECT_TRUE(torch::equal(cuda.labels, fit_gmm(z, o).labels));  // deterministic there too
  }
}
