// The batched EM against scikit-learn's GaussianMixture (Debian's /usr/bin/python3): one M-step and
// the densities of every covariance type to rounding, EM from scikit-learn's own k-means start step
// by step, whole fits' log-likelihoods within 0.5% on the same data and seeds, k-means' clustering
// of separated blobs. Full build only: it needs Python with scikit-learn.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/analysis/gmm.h"
#include "core/analysis/gmm_em.h"
#include "core/analysis/kmeans.h"
#include "tests/core/python_reference.h"

using namespace latentlab;

namespace {

const CovarianceType kTypes[] = {CovarianceType::Full, CovarianceType::Diagonal,
                                 CovarianceType::Spherical};

// 2,000 latents from four overlapping 5-D Gaussians.
torch::Tensor overlapping_latents() {
  torch::manual_seed(10);
  const auto a = torch::randn({4, 5, 5}, torch::kFloat64);
  const Gmm truth(torch::tensor({0.1, 0.2, 0.3, 0.4}, torch::kFloat64),
                  torch::randn({4, 5}, torch::kFloat64) * 3,
                  torch::matmul(a, a.transpose(1, 2)) + 0.3 * torch::eye(5, torch::kFloat64));
  return truth.sample(2000, 3).to(torch::kFloat64);
}

}  // namespace

TEST(GmmScikitLearn, MStepAndDensitiesMatchForEveryCovarianceType) {
  torch::manual_seed(11);
  const auto x = torch::randn({60, 4}, torch::kFloat64) * 2 + 1;
  const auto resp = torch::softmax(torch::randn({60, 3}, torch::kFloat64) * 2, 1);
  std::string error;
  const auto expected = run_python_reference(R"(
from sklearn.mixture._gaussian_mixture import (
    _estimate_gaussian_parameters, _compute_precision_cholesky, _estimate_log_gaussian_prob)
x, resp = inputs
parts = []
for t in ['full', 'diag', 'spherical']:
    nk, means, cov = _estimate_gaussian_parameters(x, resp, 1e-6, t)
    prec = _compute_precision_cholesky(cov, t)
    parts += [nk / nk.sum(), means.ravel(), cov.ravel(), prec.ravel(),
              _estimate_log_gaussian_prob(x, means, prec, t).ravel()]
output = np.concatenate(parts)
)",
                                             {x, resp}, &error);
  ASSERT_TRUE(expected.defined()) << error;
  std::vector<torch::Tensor> ours;
  for (auto type : kTypes) {
    const auto p = estimate_parameters(x, resp, type, 1e-6);
    for (const auto& t :
         {p.weights, p.means, p.covariances, p.precision_cholesky, gaussian_log_densities(x, p)})
      ours.push_back(t.reshape({-1}));
  }
  const auto got = torch::cat(ours);
  ASSERT_EQ(got.numel(), expected.numel());
  EXPECT_TRUE(torch::allclose(got, expected, 1e-9, 1e-10))
      << (got - expected).abs().max().item<double>();
}

TEST(GmmScikitLearn, FitLogLikelihoodWithinHalfAPercentOnTheSameDataAndSeeds) {
  const auto z = overlapping_latents();
  std::string error;
  const auto expected = run_python_reference(R"(
from sklearn.mixture import GaussianMixture
(x,) = inputs
output = [GaussianMixture(n_components=4, covariance_type=t, random_state=seed)
          .fit(x).score(x) for t in ['full', 'diag', 'spherical'] for seed in range(3)]
)",
                                             {z}, &error);
  ASSERT_TRUE(expected.defined()) << error;
  int i = 0;
  for (auto type : kTypes)
    for (uint64_t seed = 0; seed < 3; ++seed, ++i) {
      GmmFitOptions o;
      o.components = 4;
      o.covariance = type;
      o.seed = seed;
      o.device = torch::kCPU;
      const double ours = fit_gmm(z, o).log_likelihoods.mean().item<double>();
      const double theirs = expected[i].item<double>();
      EXPECT_NEAR(ours, theirs, 0.005 * std::abs(theirs)) << to_string(type) << " seed " << seed;
    }
}

TEST(GmmScikitLearn, EmFromTheSameStartFollowsScikitLearnsIterations) {
  // scikit-learn's GaussianMixture(random_state=s) starts from KMeans(random_state=s)'s labels;
  // run_em from those labels must take the same steps to the same mixture.
  const auto z = overlapping_latents();
  std::string error;
  const auto expected = run_python_reference(R"(
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture
(x,) = inputs
parts = []
for t in ['full', 'diag', 'spherical']:
    labels = KMeans(n_clusters=4, n_init=1, random_state=0).fit(x).labels_
    g = GaussianMixture(n_components=4, covariance_type=t, random_state=0).fit(x)
    parts += [labels, [g.n_iter_, g.lower_bound_], g.weights_, g.means_.ravel()]
output = np.concatenate(parts)
)",
                                             {z}, &error);
  ASSERT_TRUE(expected.defined()) << error;
  const auto offset = z.mean(0);
  int64_t at = 0;
  const auto take = [&](int64_t n) {
    at += n;
    return expected.slice(0, at - n, at);
  };
  for (auto type : kTypes) {
    const auto labels = take(z.size(0)).to(torch::kInt64);
    const auto summary = take(2);
    const auto r =
        run_em(z - offset, torch::one_hot(labels, 4).to(torch::kFloat64), type, EmSettings{});
    EXPECT_EQ(r.iterations, summary[0].item<int>()) << to_string(type);
    EXPECT_NEAR(r.lower_bound, summary[1].item<double>(), 1e-9) << to_string(type);
    EXPECT_TRUE(torch::allclose(r.parameters.weights, take(4), 1e-7, 1e-9)) << to_string(type);
    EXPECT_TRUE(
        torch::allclose(r.parameters.means + offset, take(4 * 5).reshape({4, 5}), 1e-7, 1e-9))
        << to_string(type);
  }
}

TEST(GmmScikitLearn, KMeansFindsScikitLearnsClusteringOfSeparatedBlobs) {
  // Four blobs far apart: one optimum, which both must find whatever their random draws (on
  // overlapping data the local optima of the two differ by a few percent either way).
  torch::manual_seed(12);
  const auto z = torch::randn({400, 5}, torch::kFloat64) +
                 torch::randn({4, 5}, torch::kFloat64).repeat({100, 1}) * 8;
  std::string error;
  const auto expected = run_python_reference(R"(
from sklearn.cluster import KMeans
(x,) = inputs
output = [KMeans(n_clusters=4, n_init=1, random_state=s).fit(x).inertia_ for s in range(3)]
)",
                                             {z}, &error);
  ASSERT_TRUE(expected.defined()) << error;
  for (uint64_t seed = 0; seed < 3; ++seed) {
    auto generator = at::detail::createCPUGenerator(seed);
    const auto r = kmeans(z, 4, generator);
    const double inertia = (z - r.centres.index_select(0, r.labels)).square().sum().item<double>();
    EXPECT_NEAR(inertia, expected[seed].item<double>(), 1e-9 * inertia) << "seed " << seed;
  }
}
