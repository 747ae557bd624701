// GAN inversion on a tiny generator: an image generated from a known z is matched again.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/analysis/inversion.h"
#include "core/common/error.h"
#include "core/model/gan_model.h"
#include "core/model/vae_model.h"

using namespace latentlab;

namespace {

std::shared_ptr<GanModel> tiny_gan_model() {
  torch::manual_seed(0);
  DcganOptions o;
  o.latent_dim = 8;
  o.generator_width = 8;
  o.discriminator_width = 4;
  auto gan = std::make_shared<GanModel>(o);
  // DCGAN's N(0, 0.02) initial weights make nearly constant images; He initialisation makes the
  // images depend on z, so matching one means something.
  torch::NoGradGuard no_grad;
  for (auto& p : gan->net()->generator->named_parameters())
    if (p.value().dim() == 4) torch::nn::init::kaiming_normal_(p.value());
  return gan;
}

}  // namespace

TEST(Inversion, RecoversAnImageGeneratedFromAKnownLatent) {
  auto gan = tiny_gan_model();
  const auto z_true = torch::randn({2, 8});
  const auto target = gan->decode(z_true);
  const auto before = gan->net()->generator->parameters()[0].clone();
  InversionOptions o;
  o.steps = 200;
  o.restarts = 2;
  o.learning_rate = 0.05;
  int64_t calls = 0;
  double first_loss = 0, last_loss = 0;
  o.progress = [&](int64_t step, int64_t steps, double loss) {
    EXPECT_EQ(steps, 200);
    EXPECT_EQ(step, ++calls);
    if (step == 1) first_loss = loss;
    last_loss = loss;
    return true;
  };
  const auto result = invert(*gan, target, o);
  EXPECT_EQ(calls, 200);
  EXPECT_LT(last_loss, first_loss * 0.1);
  ASSERT_EQ(result.latents.sizes(), (torch::IntArrayRef{2, 8}));
  ASSERT_EQ(result.images.sizes(), target.sizes());
  // The fit is close in pixels: far closer than an unrelated latent's image, and small outright.
  const auto baseline = (gan->decode(torch::randn({2, 8})) - target).pow(2).mean().item<float>();
  const auto error = (result.images - target).pow(2).mean().item<float>();
  EXPECT_LT(error, 0.02f * baseline) << "error " << error << " baseline " << baseline;
  EXPECT_LT(result.errors.max().item<float>(), 1e-3f);
  EXPECT_TRUE(torch::allclose(result.errors, (result.images - target).pow(2).flatten(1).mean(1),
                              1e-4, 1e-7));
  EXPECT_TRUE(torch::allclose(gan->decode(result.latents), result.images, 1e-5, 1e-6));
  // The generator is untouched and collected no gradients.
  EXPECT_TRUE(torch::equal(gan->net()->generator->parameters()[0], before));
  EXPECT_FALSE(gan->net()->generator->parameters()[0].grad().defined());
}

TEST(Inversion, PriorWeightKeepsLatentsSmaller) {
  auto gan = tiny_gan_model();
  const auto target = gan->decode(torch::randn({1, 8}) * 2.5);
  InversionOptions o;
  o.steps = 100;
  const auto free = invert(*gan, target[0], o);  // one image [C, H, W]
  o.prior_weight = 1.0;
  const auto held = invert(*gan, target[0], o);
  EXPECT_LT(held.latents.norm().item<float>(), free.latents.norm().item<float>());
}

TEST(Inversion, CancelsAndRejectsWhatItCannotInvert) {
  auto gan = tiny_gan_model();
  InversionOptions o;
  o.progress = [](int64_t step, int64_t, double) { return step < 3; };
  EXPECT_THROW(invert(*gan, gan->decode(torch::zeros({1, 8})), o), Cancelled);
  EXPECT_THROW(invert(*gan, torch::zeros({1, 3, 28, 28})), InputError);
  o.progress = {};
  o.steps = 0;
  EXPECT_THROW(invert(*gan, torch::zeros({1, 1, 28, 28}), o), InputError);
  VaeModel vae(ConvVaeOptions{});
  EXPECT_FALSE(can_invert(vae));
  EXPECT_TRUE(can_invert(*gan));
  EXPECT_THROW(invert(vae, torch::zeros({1, 1, 28, 28})), InputError);
  {
    torch::InferenceMode guard;
    EXPECT_THROW(invert(*gan, torch::zeros({1, 1, 28, 28})), Error);
  }
}
