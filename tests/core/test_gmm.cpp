// Gaussian mixtures: the hand-written log-likelihood against OpenCV's own EM::predict2,
// scikit-learn and the closed form for one component; BIC choosing K; sampling; ellipses; round
// trips.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/ml.hpp>

#include "core/analysis/gmm.h"
#include "core/common/error.h"
#include "tests/core/python_reference.h"

using namespace latentlab;

namespace {

// n points in each of K well separated Gaussian clusters in D dimensions (float64).
torch::Tensor clusters(int64_t k, int64_t n, int64_t d, double spread = 10.0) {
  std::vector<torch::Tensor> parts;
  for (int64_t c = 0; c < k; ++c) {
    const auto centre = torch::randn({d}, torch::kFloat64) * spread;
    const auto mix = torch::randn({d, d}, torch::kFloat64) * 0.5 + torch::eye(d, torch::kFloat64);
    parts.push_back(torch::matmul(torch::randn({n, d}, torch::kFloat64), mix) + centre);
  }
  return torch::cat(parts);
}

// Random symmetric positive definite matrices [k, d, d].
torch::Tensor random_spd_covariances(int64_t k, int64_t d) {
  const auto a = torch::randn({k, d, d}, torch::kFloat64);
  return torch::matmul(a, a.transpose(1, 2)) + 0.5 * torch::eye(d, torch::kFloat64);
}

}  // namespace

TEST(Gmm, LogLikelihoodMatchesOpenCvPredict2OnTheSameModel) {
  torch::manual_seed(0);
  const auto data = clusters(3, 200, 4, 3.0);  // overlapping enough that every component matters
  // Not COV_MAT_SPHERICAL: OpenCV 4.6 takes log det = log(sigma^2) there instead of D log(sigma^2),
  // so its own likelihoods are off by a per-component constant (LogLikelihoodMatchesScikitLearn
  // and OneComponentIsTheGaussianDensity check ours for any covariance).
  for (int type : {cv::ml::EM::COV_MAT_GENERIC, cv::ml::EM::COV_MAT_DIAGONAL}) {
    auto em = cv::ml::EM::create();
    em->setClustersNumber(3);
    em->setCovarianceMatrixType(type);
    cv::theRNG() = cv::RNG(1);
    const cv::Mat samples(static_cast<int>(data.size(0)), 4, CV_64F, data.data_ptr<double>());
    ASSERT_TRUE(em->trainEM(samples, cv::noArray(), cv::noArray(), cv::noArray()));
    std::vector<cv::Mat> covs;
    em->getCovs(covs);
    auto cov = torch::empty({3, 4, 4}, torch::kFloat64);
    for (int k = 0; k < 3; ++k)
      cov[k] = torch::from_blob(covs[k].ptr<double>(), {4, 4}, torch::kFloat64).clone();
    const Gmm gmm(torch::from_blob(em->getWeights().ptr<double>(), {3}, torch::kFloat64).clone(),
                  torch::from_blob(em->getMeans().ptr<double>(), {3, 4}, torch::kFloat64).clone(),
                  cov);
    const auto ours = gmm.log_likelihood(data);
    const auto labels = gmm.predict(data);
    for (int64_t i = 0; i < data.size(0); i += 7) {
      const cv::Vec2d r = em->predict2(samples.row(static_cast<int>(i)), cv::noArray());
      EXPECT_NEAR(ours[i].item<double>(), r[0], 1e-8 * std::max(1.0, std::abs(r[0])))
          << "sample " << i;
      EXPECT_EQ(labels[i].item<int64_t>(), static_cast<int64_t>(r[1]));
    }
  }
}

TEST(Gmm, LogLikelihoodMatchesScikitLearn) {
  torch::manual_seed(1);
  const int64_t k = 4, d = 5;
  const auto weights = torch::rand({k}, torch::kFloat64) + 0.2;
  const auto means = torch::randn({k, d}, torch::kFloat64) * 2;
  const auto covs = random_spd_covariances(k, d);
  const Gmm gmm(weights, means, covs);
  const auto z = torch::randn({300, d}, torch::kFloat64) * 3;
  std::string error;
  const auto expected = run_python_reference(R"(
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky
w, mu, cov, z = inputs
g = GaussianMixture(n_components=len(w), covariance_type='full')
g.weights_ = w / w.sum()
g.means_ = mu
g.covariances_ = cov
g.precisions_cholesky_ = _compute_precision_cholesky(cov, 'full')
output = np.concatenate([g.score_samples(z), g.predict_proba(z).ravel()])
)",
                                             {weights, means, covs, z}, &error);
  ASSERT_TRUE(expected.defined()) << error;
  EXPECT_TRUE(torch::allclose(gmm.log_likelihood(z), expected.slice(0, 0, 300), 1e-10, 1e-10));
  EXPECT_TRUE(
      torch::allclose(gmm.responsibilities(z).reshape({-1}), expected.slice(0, 300), 1e-8, 1e-10));
}

TEST(Gmm, OneComponentIsTheGaussianDensity) {
  torch::manual_seed(2);
  const int64_t d = 3;
  const auto mean = torch::randn({1, d}, torch::kFloat64);
  const auto cov = random_spd_covariances(1, d);
  const Gmm gmm(torch::ones({1}, torch::kFloat64), mean, cov);
  const auto z = torch::randn({d}, torch::kFloat64);
  const auto diff = (z - mean[0]).unsqueeze(1);
  const double quad =
      torch::matmul(diff.t(), torch::matmul(torch::inverse(cov[0]), diff)).item<double>();
  const double expected =
      -0.5 * (d * std::log(2 * M_PI) + std::log(torch::det(cov[0]).item<double>()) + quad);
  EXPECT_NEAR(gmm.log_likelihood_of(z), expected, 1e-12);
  EXPECT_EQ(gmm.log_likelihood(z).dim(), 0);
  EXPECT_EQ(gmm.parameter_count(), d + d * (d + 1) / 2);
}

TEST(Gmm, FitFindsTheClustersAndLabelsEveryLatent) {
  torch::manual_seed(3);
  const auto data = clusters(3, 150, 3);
  GmmFitOptions o;
  o.components = 3;
  o.seed = 7;
  const auto fit = fit_gmm(data.to(torch::kFloat32), o);
  EXPECT_EQ(fit.fitted_samples, 450);
  EXPECT_EQ(fit.labels.size(0), 450);
  // Each true cluster maps to a single component, and the three components differ.
  std::set<int64_t> seen;
  for (int64_t c = 0; c < 3; ++c) {
    const auto part = fit.labels.slice(0, c * 150, (c + 1) * 150);
    const int64_t mode = std::get<0>(torch::mode(part)).item<int64_t>();
    EXPECT_EQ((part == mode).sum().item<int64_t>(), 150);
    seen.insert(mode);
  }
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_NEAR(fit.model.weights().sum().item<double>(), 1.0, 1e-12);
  EXPECT_TRUE(torch::allclose(fit.log_likelihoods, fit.model.log_likelihood(data)));
  EXPECT_NEAR(fit.bic, fit.model.bic(data), 1e-6 * std::abs(fit.bic));
  // The same seed gives the same mixture.
  const auto again = fit_gmm(data.to(torch::kFloat32), o);
  EXPECT_TRUE(torch::allclose(fit.model.means(), again.model.means()));
}

TEST(Gmm, DiagonalAndSphericalCovariancesHaveTheirShape) {
  torch::manual_seed(4);
  const auto data = clusters(2, 200, 3);
  GmmFitOptions o;
  o.components = 2;
  o.covariance = CovarianceType::Diagonal;
  const auto diag = fit_gmm(data, o).model;
  for (int64_t k = 0; k < 2; ++k) {
    const auto c = diag.covariances()[k];
    EXPECT_TRUE(torch::allclose(c, torch::diag(c.diagonal()))) << c;
  }
  EXPECT_EQ(diag.parameter_count(), 2 * 3 + 2 * 3 + 1);
  o.covariance = CovarianceType::Spherical;
  const auto sph = fit_gmm(data, o).model;
  for (int64_t k = 0; k < 2; ++k) {
    const auto c = sph.covariances()[k];
    EXPECT_TRUE(torch::allclose(c, c[0][0] * torch::eye(3, torch::kFloat64))) << c;
  }
  EXPECT_EQ(sph.parameter_count(), 2 + 2 * 3 + 1);
}

TEST(Gmm, BicPicksTheTrueNumberOfClusters) {
  torch::manual_seed(5);
  const auto data = clusters(3, 100, 2, 12.0);
  GmmFitOptions o;
  o.seed = 1;
  o.max_iterations = 30;  // the clusters separate long before
  const auto curve = bic_curve(data, 1, 5, o);
  ASSERT_EQ(curve.size(), 5u);
  EXPECT_EQ(best_components(curve), 3);
  EXPECT_GT(curve[0].bic, curve[2].bic + 100);  // one Gaussian fits three clusters badly
}

TEST(Gmm, SubsampledFitStillLabelsEveryLatent) {
  torch::manual_seed(6);
  const auto data = clusters(2, 500, 2, 15.0);
  GmmFitOptions o;
  o.components = 2;
  o.max_samples = 100;
  const auto fit = fit_gmm(data, o);
  EXPECT_EQ(fit.fitted_samples, 100);
  EXPECT_EQ(fit.labels.size(0), 1000);
  EXPECT_EQ(std::get<0>(torch::_unique(fit.labels.slice(0, 0, 500))).numel(), 1);
}

TEST(Gmm, SamplesFollowTheMixtureAndAreSeeded) {
  const auto weights = torch::tensor({0.25, 0.75}, torch::kFloat64);
  const auto means = torch::tensor({{-5.0, 0.0}, {5.0, 1.0}}, torch::kFloat64);
  auto covs = torch::stack({torch::tensor({{1.0, 0.5}, {0.5, 2.0}}, torch::kFloat64),
                            torch::tensor({{0.5, 0.0}, {0.0, 0.25}}, torch::kFloat64)});
  const Gmm gmm(weights, means, covs);
  const auto a = gmm.sample(20000, 42);
  EXPECT_TRUE(torch::equal(a, gmm.sample(20000, 42)));
  EXPECT_FALSE(torch::equal(a, gmm.sample(20000, 43)));
  EXPECT_NEAR((a.select(1, 0) < 0).to(torch::kFloat64).mean().item<double>(), 0.25, 0.01);
  const auto first = gmm.sample(20000, 1, 0).to(torch::kFloat64);
  EXPECT_TRUE(torch::allclose(first.mean(0), means[0], 0, 0.05));
  const auto centred = first - first.mean(0);
  EXPECT_TRUE(torch::allclose(torch::matmul(centred.t(), centred) / 19999, covs[0], 0, 0.06));
  EXPECT_THROW(gmm.sample(1, 0, 2), InputError);
  EXPECT_EQ(gmm.sample(0, 0).size(0), 0);
}

TEST(Gmm, EllipsesProjectMeanAndCovariance) {
  const double angle = M_PI / 6;
  const auto r = torch::tensor(
      {{std::cos(angle), -std::sin(angle)}, {std::sin(angle), std::cos(angle)}}, torch::kFloat64);
  // 3D component whose (x, y) covariance is R diag(4, 1) R^T.
  auto cov = torch::eye(3, torch::kFloat64) * 9;
  cov.slice(0, 0, 2).slice(1, 0, 2) = torch::matmul(
      torch::matmul(r, torch::diag(torch::tensor({4.0, 1.0}, torch::kFloat64))), r.t());
  const Gmm gmm(torch::ones({1}, torch::kFloat64),
                torch::tensor({{1.0, 2.0, 3.0}}, torch::kFloat64), cov.unsqueeze(0));
  const auto e = gmm.ellipses(dims_projection(3, 0, 1), 2.0).at(0);
  EXPECT_NEAR(e.center_x, 1.0, 1e-12);
  EXPECT_NEAR(e.center_y, 2.0, 1e-12);
  EXPECT_NEAR(e.semi_major, 4.0, 1e-9);
  EXPECT_NEAR(e.semi_minor, 2.0, 1e-9);
  EXPECT_NEAR(e.angle, angle, 1e-9);
  const auto outline = e.outline(8);
  ASSERT_EQ(outline.size(), 9u);
  EXPECT_NEAR(outline[0][0], 1.0 + 4.0 * std::cos(angle), 1e-9);
  EXPECT_NEAR(outline[0][1], 2.0 + 4.0 * std::sin(angle), 1e-9);
  // Onto dimensions (2, 0): the z axis holds variance 9.
  const auto f = gmm.ellipses(dims_projection(3, 2, 0), 1.0).at(0);
  EXPECT_NEAR(f.semi_major, 3.0, 1e-9);
  EXPECT_NEAR(f.center_x, 3.0, 1e-12);
}

TEST(Gmm, InfoRoundTripAndValidation) {
  torch::manual_seed(7);
  const Gmm gmm(torch::tensor({1.0, 3.0}, torch::kFloat64), torch::randn({2, 3}, torch::kFloat64),
                random_spd_covariances(2, 3), CovarianceType::Diagonal);
  EXPECT_NEAR(gmm.weights()[1].item<double>(), 0.75, 1e-15);
  const auto info = gmm.to_info();
  EXPECT_EQ(info.covariance_type, "diag");
  EXPECT_EQ(info.covariances.size(), 18u);
  const auto back = Gmm::from_info(info);
  const auto z = torch::randn({10, 3}, torch::kFloat64);
  EXPECT_TRUE(torch::allclose(back.log_likelihood(z), gmm.log_likelihood(z), 1e-5, 1e-5));
  EXPECT_EQ(back.covariance_type(), CovarianceType::Diagonal);
  auto bad = info;
  bad.covariances[0] = -5.0f;  // no longer positive definite (or symmetric)
  EXPECT_THROW(Gmm::from_info(bad), InputError);
  bad = info;
  bad.means.pop_back();
  EXPECT_THROW(Gmm::from_info(bad), InputError);
  EXPECT_THROW(Gmm(torch::tensor({1.0, 0.0}, torch::kFloat64),
                   torch::zeros({2, 3}, torch::kFloat64), random_spd_covariances(2, 3)),
               InputError);
  EXPECT_THROW(gmm.log_likelihood(torch::zeros({1, 4})), InputError);
  EXPECT_THROW(fit_gmm(torch::zeros({2, 3}), GmmFitOptions{}),
               InputError);  // 5 components, 2 latents
  EXPECT_THROW(parse_covariance_type("tied"), InputError);
}
