// Shapes, ranges and the device contract of the built-in architectures.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/gan_model.h"
#include "core/model/vae_model.h"

using namespace latentlab;

TEST(ConvVae, ClassicCourseModelHasTheCourseLayers) {
  torch::manual_seed(0);
  ConvVaeOptions o;  // defaults: 1x28x28, channels {16, 32}, latent 2
  ConvVae vae(o);
  const auto params = vae->named_parameters();
  EXPECT_EQ(params["encoder_conv.0.weight"].sizes(), (std::vector<int64_t>{16, 1, 4, 4}));
  EXPECT_EQ(params["encoder_conv.2.weight"].sizes(), (std::vector<int64_t>{32, 16, 4, 4}));
  EXPECT_EQ(params["to_mu.weight"].sizes(), (std::vector<int64_t>{2, 32 * 7 * 7}));
  EXPECT_EQ(params["to_logvar.weight"].sizes(), (std::vector<int64_t>{2, 32 * 7 * 7}));
  auto [mu, logvar] = vae->encode(torch::rand({5, 1, 28, 28}));
  EXPECT_EQ(mu.sizes(), (std::vector<int64_t>{5, 2}));
  EXPECT_EQ(logvar.sizes(), (std::vector<int64_t>{5, 2}));
  const auto x = vae->decode(torch::randn({5, 2}) * 10);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{5, 1, 28, 28}));
  EXPECT_GE(x.min().item<float>(), 0.0f);  // sigmoid
  EXPECT_LE(x.max().item<float>(), 1.0f);
}

TEST(ConvVae, FaceShapeWithTanhRange) {
  torch::manual_seed(0);
  ConvVaeOptions o;
  o.image_shape = {3, 64, 64};
  o.channels = {32, 64, 128, 256};
  o.hidden = 256;
  o.latent_dim = 32;
  o.batch_norm = true;
  o.output_range = {-1.0f, 1.0f};
  VaeModel model(o);
  const auto x = model.decode(torch::randn({3, 32}) * 5);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{3, 3, 64, 64}));
  EXPECT_LT(x.min().item<float>(), 0.0f);  // tanh reaches below zero
  EXPECT_GE(x.min().item<float>(), -1.0f);
  const auto p = model.encode(x);
  EXPECT_EQ(p.mean.sizes(), (std::vector<int64_t>{3, 32}));
}

TEST(ConvVae, RejectsSizesThatDoNotHalve) {
  ConvVaeOptions o;
  o.image_shape = {1, 30, 30};
  EXPECT_THROW(ConvVae{o}, InputError);
}

TEST(VaeModel, RejectsWrongLatentShapeAndNaN) {
  VaeModel model(ConvVaeOptions{});
  EXPECT_THROW(model.decode(torch::zeros({1, 3})), InputError);
  EXPECT_THROW(model.decode(torch::full({1, 2}, NAN)), InputError);
  EXPECT_THROW(model.encode(torch::zeros({1, 3, 28, 28})), InputError);
}

TEST(VaeModel, DecodeIsDeterministicAndWorksFromAnotherThread) {
  torch::manual_seed(0);
  VaeModel model(ConvVaeOptions{});
  const auto z = torch::randn({4, 2});
  const auto here = model.decode(z);
  torch::Tensor there;
  std::thread worker([&] { there = model.decode(z); });
  worker.join();
  // Another thread may split the arithmetic differently, so compare to float rounding.
  EXPECT_TRUE(torch::allclose(here, there, /*rtol=*/1e-5, /*atol=*/1e-6));
  EXPECT_FALSE(here.requires_grad());
}

class DcganShapes : public ::testing::TestWithParam<ImageShape> {};

TEST_P(DcganShapes, GeneratorAndDiscriminatorShapes) {
  torch::manual_seed(0);
  DcganOptions o;
  o.image_shape = GetParam();
  o.latent_dim = 16;
  o.generator_width = 8;
  o.discriminator_width = 8;
  GanModel gan(o);
  const auto x = gan.decode(torch::randn({2, 16}));
  const auto& s = o.image_shape;
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{2, s.channels, s.height, s.width}));
  EXPECT_GE(x.min().item<float>(), -1.0f);
  EXPECT_LE(x.max().item<float>(), 1.0f);
  EXPECT_EQ(gan.discriminate(x).sizes(), (std::vector<int64_t>{2}));
  EXPECT_FALSE(gan.can_encode());
  EXPECT_THROW(gan.encode(x), InputError);
}

INSTANTIATE_TEST_SUITE_P(Sizes, DcganShapes,
                         ::testing::Values(ImageShape{1, 28, 28}, ImageShape{3, 64, 64}));

TEST(Dcgan, RejectsOtherSizes) {
  DcganOptions o;
  o.image_shape = {3, 32, 32};
  EXPECT_THROW(GanModel{o}, InputError);
}
