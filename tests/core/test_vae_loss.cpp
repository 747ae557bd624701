// The VAE objective: closed-form KL against Monte Carlo, the likelihood constants, gradients
// against central finite differences, and the IWAE bound's defining properties.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"
#include "core/model/conv_vae.h"
#include "core/training/vae_loss.h"

using namespace latentlab;

namespace {

torch::Generator generator(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

// A tiny VAE for 1x8x8 images.
ConvVae tiny_vae(int64_t latent = 2) {
  ConvVaeOptions o;
  o.image_shape = {1, 8, 8};
  o.channels = {2, 4};
  o.latent_dim = latent;
  return ConvVae(o);
}

}  // namespace

TEST(VaeLoss, ClosedFormKlMatchesMonteCarlo) {
  torch::manual_seed(0);
  const auto opts = torch::TensorOptions().dtype(torch::kFloat64);
  const auto mu = torch::randn({3, 4}, opts);
  const auto logvar = torch::randn({3, 4}, opts) * 0.7;
  const auto closed = gaussian_kl(mu, logvar);
  constexpr int64_t kSamples = 200000;
  for (int64_t row = 0; row < 3; ++row) {
    const auto m = mu[row].expand({kSamples, 4});
    const auto lv = logvar[row].expand({kSamples, 4});
    const auto z = reparameterize(m, lv, torch::randn({kSamples, 4}, opts));
    // KL = E_q[log q(z) - log p(z)]
    const auto terms =
        log_normal(z, m, lv) - log_normal(z, torch::zeros_like(z), torch::zeros_like(z));
    const double estimate = terms.mean().item<double>();
    const double standard_error = terms.std().item<double>() / std::sqrt(double(kSamples));
    EXPECT_NEAR(estimate, closed[row].item<double>(), 5.0 * standard_error) << "row " << row;
  }
  // KL of the prior to itself is zero, and KL is never negative.
  EXPECT_NEAR(gaussian_kl(torch::zeros({2, 5}), torch::zeros({2, 5})).abs().max().item<double>(),
              0.0, 1e-12);
  EXPECT_GE(closed.min().item<double>(), 0.0);
}

TEST(VaeLoss, LogNormalMatchesTheDensityFormula) {
  const auto z = torch::tensor({{0.3, -1.2}}, torch::kFloat64);
  const auto mu = torch::tensor({{0.1, 0.5}}, torch::kFloat64);
  const auto logvar = torch::tensor({{-0.4, 0.9}}, torch::kFloat64);
  double expected = 0.0;
  for (int i = 0; i < 2; ++i) {
    const double s2 = std::exp(logvar[0][i].item<double>());
    const double d = z[0][i].item<double>() - mu[0][i].item<double>();
    expected += std::log(std::exp(-d * d / (2 * s2)) / std::sqrt(2 * M_PI * s2));
  }
  EXPECT_NEAR(log_normal(z, mu, logvar).item<double>(), expected, 1e-12);
}

TEST(VaeLoss, GuidedAttributeLossIsTheLogisticLossOfTheFirstCoordinates) {
  // Two images, three latent coordinates, two attributes: the third coordinate is not read.
  const auto mu = torch::tensor({{1.0, -2.0, 9.0}, {-0.5, 0.25, -9.0}}, torch::kFloat64);
  const auto labels = torch::tensor({{1, -1}, {1, 1}}, torch::kInt8);
  const auto log1pexp = [](double t) { return std::log(1.0 + std::exp(t)); };
  const double s = kGuideLogitScale;
  const auto loss = guided_attribute_loss(mu, labels);
  ASSERT_EQ(loss.sizes(), (std::vector<int64_t>{2}));
  EXPECT_NEAR(loss[0].item<double>(), log1pexp(-s * 1.0) + log1pexp(-s * 2.0), 1e-12);
  EXPECT_NEAR(loss[1].item<double>(), log1pexp(s * 0.5) + log1pexp(-s * 0.25), 1e-12);
}

TEST(VaeLoss, ReconstructionTermsHaveTheirFullConstants) {
  torch::manual_seed(1);
  const auto x = torch::rand({2, 1, 3, 3}, torch::kFloat64);
  const auto p = torch::rand({2, 1, 3, 3}, torch::kFloat64) * 0.9 + 0.05;
  // Bernoulli: -sum x log p + (1 - x) log(1 - p), element by element.
  const auto bern = reconstruction_nll(p, x, parse_likelihood("bernoulli"));
  const auto gauss = reconstruction_nll(p, x, parse_likelihood("gaussian:0.3"));
  const auto sse = reconstruction_nll(p, x, parse_likelihood("gaussian"));
  for (int64_t n = 0; n < 2; ++n) {
    double b = 0.0, g = 0.0, squares = 0.0;
    for (int64_t i = 0; i < 9; ++i) {
      const double xi = x[n].flatten()[i].item<double>();
      const double pi = p[n].flatten()[i].item<double>();
      b -= xi * std::log(pi) + (1 - xi) * std::log(1 - pi);
      const double d = xi - pi;
      g -= std::log(std::exp(-d * d / (2 * 0.09)) / std::sqrt(2 * M_PI * 0.09));
      squares += d * d;
    }
    EXPECT_NEAR(bern[n].item<double>(), b, 1e-9);
    EXPECT_NEAR(gauss[n].item<double>(), g, 1e-9);
    // The default sigma makes the data term the sum of squared errors; constant 9/2 log(pi).
    EXPECT_NEAR(sse[n].item<double>(), squares + 4.5 * std::log(M_PI), 1e-9);
  }
  EXPECT_THROW(parse_likelihood("poisson"), InputError);
  EXPECT_THROW(parse_likelihood("gaussian:-1"), InputError);
  EXPECT_THROW(reconstruction_nll(p, x.narrow(0, 0, 1), parse_likelihood("bernoulli")), InputError);
}

// d(loss)/d(parameter) from autograd against (f(w + h) - f(w - h)) / 2h, in float64.
TEST(VaeLoss, GradientsMatchCentralFiniteDifferences) {
  for (const auto* likelihood : {"bernoulli", "gaussian:0.5"}) {
    torch::manual_seed(2);
    auto vae = tiny_vae(3);
    vae->to(torch::kDouble);
    const auto x = torch::rand({4, 1, 8, 8}, torch::kFloat64);
    const auto eps = torch::randn({4, 3}, torch::kFloat64);
    const auto lik = parse_likelihood(likelihood);
    auto loss_fn = [&] {
      const auto [mu, logvar] = vae->encode(x);
      const auto x_hat = vae->decode(reparameterize(mu, logvar, eps));
      return vae_loss(x_hat, x, mu, logvar, lik, /*beta=*/0.7).loss.mean();
    };
    vae->zero_grad();
    loss_fn().backward();
    auto params = vae->named_parameters();
    for (const auto* name : {"encoder_conv.0.weight", "encoder_conv.2.bias", "to_mu.weight",
                             "to_logvar.weight", "to_logvar.bias", "decoder_fc.0.weight",
                             "decoder_conv.0.weight", "decoder_conv.4.bias"}) {
      auto& p = params[name];
      ASSERT_TRUE(p.defined()) << name;
      for (int64_t i : {int64_t{0}, p.numel() / 2, p.numel() - 1}) {
        const double analytic = p.grad().flatten()[i].item<double>();
        torch::NoGradGuard no_grad;
        auto flat = p.view({-1});
        const double w = flat[i].item<double>();
        constexpr double h = 1e-6;
        flat[i] = w + h;
        const double up = loss_fn().item<double>();
        flat[i] = w - h;
        const double down = loss_fn().item<double>();
        flat[i] = w;
        const double numeric = (up - down) / (2 * h);
        EXPECT_NEAR(analytic, numeric, 1e-6 + 1e-5 * std::abs(numeric))
            << likelihood << " " << name << "[" << i << "]";
      }
    }
  }
}

TEST(VaeLoss, IwaeIsExactWhenThePosteriorIsThePriorAndTheDecoderIgnoresZ) {
  torch::manual_seed(3);
  const auto x = (torch::rand({3, 1, 4, 4}) > 0.5).to(torch::kFloat32);
  const auto probs = torch::rand({1, 1, 4, 4}) * 0.8 + 0.1;
  const auto decode = [&](const torch::Tensor& z) { return probs.expand({z.size(0), 1, 4, 4}); };
  const auto zero = torch::zeros({3, 2});
  const auto lik = parse_likelihood("bernoulli");
  const auto exact = -reconstruction_nll(probs.expand({3, 1, 4, 4}), x, lik);
  for (int64_t k : {1, 7}) {
    const auto bound = iwae_bound(x, zero, zero, decode, k, lik, generator(k));
    EXPECT_TRUE(torch::allclose(bound, exact, 1e-5, 1e-4)) << k;
  }
  EXPECT_THROW(iwae_bound(x, zero, zero, decode, 0, lik), InputError);
}

// A linear Gaussian decoder x = W z + b + N(0, sigma^2 I) with z ~ N(0, I) has everything in closed
// form: log p(x) = log N(x; b, W W^T + sigma^2 I), the exact posterior, and the ELBO of any
// Gaussian q. The IWAE bound must be exact with the exact posterior, equal the ELBO in expectation
// with K = 1 for another q, rise with K, and stay below log p(x) while approaching it.
TEST(VaeLoss, IwaeOnALinearGaussianModelMatchesTheClosedForms) {
  torch::manual_seed(4);
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  constexpr int64_t kLatent = 2, kPixels = 6, kImages = 5;
  const double sigma = 0.5;
  const auto w = torch::randn({kPixels, kLatent}, f64);
  const auto b = torch::randn({kPixels}, f64) * 0.3;
  const auto x = torch::randn({kImages, kPixels}, f64);
  const auto decode = [&](const torch::Tensor& z) { return torch::matmul(z, w.t()) + b; };
  const Likelihood lik{LikelihoodKind::Gaussian, sigma};

  // Exact log p(x).
  const auto cov = torch::matmul(w, w.t()) + sigma * sigma * torch::eye(kPixels, f64);
  const auto l = torch::linalg_cholesky(cov);
  const auto d = (x - b).t();  // [P, N]
  const auto solved = torch::linalg_solve_triangular(l, d, /*upper=*/false, /*left=*/true,
                                                     /*unitriangular=*/false);
  const auto log_px =
      -0.5 * (solved.pow(2).sum(0) + 2.0 * l.diagonal().log().sum() + kPixels * std::log(2 * M_PI));

  // Exact posterior: Sigma = (I + W^T W / sigma^2)^-1, mean = Sigma W^T (x - b) / sigma^2. It is
  // not diagonal, so the exact-posterior check uses a diagonal W (orthogonal columns).
  {
    auto wd = torch::zeros({kPixels, kLatent}, f64);
    wd[0][0] = 1.3;
    wd[3][1] = -0.7;
    const auto dec = [&](const torch::Tensor& z) { return torch::matmul(z, wd.t()) + b; };
    const auto precision = 1.0 + (wd * wd).sum(0) / (sigma * sigma);  // [D]
    const auto mu = torch::matmul(x - b, wd) / (sigma * sigma) / precision;
    const auto logvar = (-precision.log()).expand({kImages, kLatent});
    const auto covd = torch::matmul(wd, wd.t()) + sigma * sigma * torch::eye(kPixels, f64);
    const auto ld = torch::linalg_cholesky(covd);
    const auto sd = torch::linalg_solve_triangular(ld, d, false, true, false);
    const auto exact =
        -0.5 * (sd.pow(2).sum(0) + 2.0 * ld.diagonal().log().sum() + kPixels * std::log(2 * M_PI));
    for (int64_t k : {1, 5})
      EXPECT_TRUE(
          torch::allclose(iwae_bound(x, mu, logvar, dec, k, lik, generator(k)), exact, 1e-9, 1e-9))
          << k;
  }

  // A poor q: the prior, a little shifted.
  const auto mu = torch::full({kImages, kLatent}, 0.2, f64);
  const auto logvar = torch::zeros({kImages, kLatent}, f64);
  // ELBO in closed form: E_q log p(x|z) = -(|x - W mu - b|^2 + tr(W S W^T)) / (2 sigma^2) - P
  // log(sigma sqrt(2 pi)).
  const auto resid = x - decode(mu);
  const auto trace =
      (w.pow(2) * logvar.exp().unsqueeze(1)).sum({1, 2});  // tr(W diag(s) W^T) per image
  const auto elbo = -(resid.pow(2).sum(1) + trace) / (2 * sigma * sigma) -
                    kPixels * (std::log(sigma) + 0.5 * std::log(2 * M_PI)) -
                    gaussian_kl(mu, logvar);

  constexpr int64_t kRepeats = 2000;
  auto mean_and_se = [&](int64_t k, uint64_t seed) {
    auto g = generator(seed);
    std::vector<torch::Tensor> runs;
    for (int64_t r = 0; r < kRepeats / k + 20; ++r)
      runs.push_back(iwae_bound(x, mu, logvar, decode, k, lik, g));
    const auto t = torch::stack(runs);  // [R, N]
    return std::pair<torch::Tensor, torch::Tensor>{t.mean(0),
                                                   t.std(0) / std::sqrt(double(t.size(0)))};
  };
  const auto [k1, k1_se] = mean_and_se(1, 1);
  EXPECT_TRUE(((k1 - elbo).abs() < 5 * k1_se).all().item<bool>()) << k1 << elbo << k1_se;
  const auto [k16, k16_se] = mean_and_se(16, 2);
  const auto [k256, k256_se] = mean_and_se(256, 3);
  EXPECT_TRUE(((k16 - k1) > 5 * (k1_se.pow(2) + k16_se.pow(2)).sqrt()).all().item<bool>())
      << k1 << k16;
  EXPECT_TRUE(((k256 - k16) > 3 * (k16_se.pow(2) + k256_se.pow(2)).sqrt()).all().item<bool>())
      << k16 << k256;
  // A lower bound in expectation (a single estimate may land above log p(x)).
  EXPECT_TRUE((k256 < log_px + 3 * k256_se).all().item<bool>()) << k256 << log_px;
  // Many samples close most of the gap between the ELBO and log p(x).
  const auto big = iwae_bound(x, mu, logvar, decode, 200000, lik, generator(5));
  EXPECT_TRUE(((log_px - big) < 0.05 * (log_px - elbo) + 0.02).all().item<bool>())
      << big << log_px << elbo;
}
