// Latent activity and the latents behind PCA slider axes, against direct computations.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/fitting/latent_axes.h"
#include "core/model/gan_model.h"
#include "core/model/vae_model.h"

using namespace latentlab;

namespace {

std::shared_ptr<VaeModel> tiny_vae_model(int64_t latent_dim) {
  torch::manual_seed(0);
  ConvVaeOptions o;
  o.image_shape = {1, 12, 12};
  o.channels = {4, 8};
  o.latent_dim = latent_dim;
  auto vae = std::make_shared<VaeModel>(o);
  torch::NoGradGuard no_grad;
  for (auto& p : vae->network().parameters()) p.mul_(3.0);  // an untrained decoder is nearly flat
  return vae;
}

// Two components in 3-D with distinct, known covariances.
GaussianMixture two_components() {
  GaussianMixture g;
  g.components = 2;
  g.dim = 3;
  g.weights = {0.25f, 0.75f};
  g.means = {1.0f, 0.0f, -0.4f, -1.0f, 0.5f, 0.0f};
  g.covariances = {4.0f, 0.5f, 0.0f, 0.5f, 1.0f, 0.0f, 0.0f, 0.0f, 0.04f,
                   2.0f, 0.0f, 0.0f, 0.0f, 0.5f, 0.0f, 0.0f, 0.0f, 0.09f};
  return g;
}

}  // namespace

TEST(LatentAxes, DecoderSensitivityIsTheImageChangeOfEachUnitVector) {
  auto vae = tiny_vae_model(5);
  // Make the decoder ignore dimension 3: its column of the first decoder layer is zero.
  {
    torch::NoGradGuard no_grad;
    bool found = false;
    for (auto& p : vae->network().named_parameters())
      if (p.key().find("decoder_fc") != std::string::npos && p.value().dim() == 2 &&
          p.value().size(1) == 5) {
        p.value().select(1, 3).zero_();
        found = true;
        break;
      }
    ASSERT_TRUE(found);
  }
  const auto s = decoder_sensitivity(*vae);
  ASSERT_EQ(s.sizes(), (torch::IntArrayRef{5}));
  EXPECT_EQ(s.scalar_type(), torch::kFloat64);
  const auto origin = vae->decode(torch::zeros({1, 5}));
  for (int64_t i = 0; i < 5; ++i) {
    auto z = torch::zeros({1, 5});
    z[0][i] = 1.0f;
    const double expected = (vae->decode(z) - origin).abs().mean().item<double>();
    EXPECT_NEAR(s[i].item<double>(), expected, 1e-6) << "dimension " << i;
  }
  EXPECT_EQ(s[3].item<double>(), 0.0);
  EXPECT_GT(s.min().item<double>() + s.max().item<double>(), 0.0);
}

TEST(LatentAxes, GmmSamplesHaveTheMixturesTotalCovariance) {
  auto vae = tiny_vae_model(3);
  ModelInfo info;
  info.gmm = two_components();
  const auto axis = axis_latents(*vae, info, /*seed=*/4);
  EXPECT_EQ(axis.source, AxisSource::Gmm);
  ASSERT_EQ(axis.latents.sizes(), (torch::IntArrayRef{kAxisLatentsFromGmm, 3}));
  // Total covariance of a mixture: sum_k w_k (Sigma_k + mu_k mu_k^T) - mu mu^T.
  const auto w = torch::tensor({0.25, 0.75}, torch::kFloat64);
  const auto mu = torch::tensor(info.gmm->means).to(torch::kFloat64).reshape({2, 3});
  const auto sigma = torch::tensor(info.gmm->covariances).to(torch::kFloat64).reshape({2, 3, 3});
  const auto mean = torch::matmul(w, mu);
  const auto second = (w.view({2, 1, 1}) * (sigma + mu.unsqueeze(2) * mu.unsqueeze(1))).sum(0);
  const auto total = second - torch::outer(mean, mean);
  const auto z = axis.latents.to(torch::kFloat64);
  const auto centred = z - z.mean(0);
  const auto cov = torch::matmul(centred.t(), centred) / double(z.size(0) - 1);
  EXPECT_TRUE(torch::allclose(cov, total, /*rtol=*/0.05, /*atol=*/0.03)) << cov << total;

  const auto activity = latent_activity(*vae, axis);
  EXPECT_EQ(activity.source, "posterior-variance");
  EXPECT_TRUE(torch::allclose(activity.values, total.diagonal(), 0.05, 0.005)) << activity.values;
  // Dimension 0 varies most, dimension 2 least.
  EXPECT_GT(activity.values[0].item<double>(), activity.values[1].item<double>());
  EXPECT_GT(activity.values[1].item<double>(), activity.values[2].item<double>());
}

TEST(LatentAxes, VaeWithoutGmmUsesPosteriorMeansOfDecodedPriorSamples) {
  auto vae = tiny_vae_model(4);
  const auto axis = axis_latents(*vae, ModelInfo{}, /*seed=*/9);
  EXPECT_EQ(axis.source, AxisSource::EncodedPrior);
  ASSERT_EQ(axis.latents.sizes(), (torch::IntArrayRef{kAxisLatentsFromPrior, 4}));
  const auto prior = latents_from_seed(9, kAxisLatentsFromPrior, 4).slice(0, 0, 3);
  const auto expected = vae->encode(vae->decode(prior)).mean;
  EXPECT_TRUE(torch::allclose(axis.latents.slice(0, 0, 3), expected, 1e-4, 1e-5));
  EXPECT_EQ(latent_activity(*vae, axis).source, "decoder-sensitivity");
}

TEST(LatentAxes, GanWithoutGmmHasNoAxisLatentsAndAGmmOfAnotherSizeIsRefused) {
  DcganOptions o;
  o.latent_dim = 3;
  o.generator_width = 4;
  o.discriminator_width = 4;
  GanModel gan(o);
  const auto none = axis_latents(gan, ModelInfo{});
  EXPECT_EQ(none.source, AxisSource::None);
  EXPECT_FALSE(none.latents.defined());
  EXPECT_EQ(latent_activity(gan, none).values.size(0), 3);

  auto vae = tiny_vae_model(5);
  ModelInfo info;
  info.gmm = two_components();
  try {
    axis_latents(*vae, info);
    FAIL() << "a 3-D GMM on a 5-D model was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("3 dimensions"), std::string::npos) << e.what();
  }
}
