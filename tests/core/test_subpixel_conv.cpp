// The inference rewrite of stride-2 transposed convolutions against LibTorch's own
// ConvTranspose2d, layer by layer and through whole decoders.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/model/conv_vae.h"
#include "core/model/dcgan.h"
#include "core/model/subpixel_conv.h"

using namespace latentlab;

namespace {

torch::nn::ConvTranspose2d upsampling_layer(int64_t in, int64_t out, bool bias) {
  return torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in, out, /*kernel_size=*/4)
                                        .stride(2)
                                        .padding(1)
                                        .bias(bias));
}

// Puts every BatchNorm's running statistics off their initial 0/1 so that eval mode matters.
void randomise_running_stats(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& buffer : module.named_buffers()) {
    if (buffer.key().find("running_mean") != std::string::npos) buffer.value().normal_(0.0, 0.3);
    if (buffer.key().find("running_var") != std::string::npos) buffer.value().uniform_(0.5, 2.0);
  }
}

}  // namespace

TEST(SubpixelConv, MatchesConvTranspose2dOnOddSizesWithAndWithoutBias) {
  torch::manual_seed(0);
  for (bool bias : {true, false}) {
    auto layer = upsampling_layer(5, 3, bias);
    ASSERT_TRUE(is_subpixel_convertible(*layer));
    const auto x = torch::randn({2, 5, 3, 7});
    torch::NoGradGuard no_grad;
    const auto expected = layer->forward(x);
    const auto actual = subpixel_conv_transpose(x, subpixel_weight(layer->weight), layer->bias);
    ASSERT_EQ(actual.sizes(), expected.sizes());  // [2, 3, 6, 14]
    EXPECT_TRUE(torch::allclose(actual, expected, /*rtol=*/1e-5, /*atol=*/1e-5))
        << (actual - expected).abs().max().item<float>();
  }
}

TEST(SubpixelConv, OtherShapesAreLeftToLibTorch) {
  EXPECT_FALSE(is_subpixel_convertible(*torch::nn::ConvTranspose2d(
      torch::nn::ConvTranspose2dOptions(4, 4, 3).stride(2).padding(1))));
  EXPECT_FALSE(is_subpixel_convertible(*torch::nn::ConvTranspose2d(
      torch::nn::ConvTranspose2dOptions(4, 4, 4).stride(2).padding(1).output_padding(1))));
  EXPECT_FALSE(is_subpixel_convertible(*torch::nn::ConvTranspose2d(
      torch::nn::ConvTranspose2dOptions(4, 4, 4).stride(1).padding(0))));
}

TEST(SubpixelConv, VaeDecoderInInferenceEqualsTheTrainingPath) {
  torch::manual_seed(0);
  ConvVaeOptions o;
  o.image_shape = {3, 64, 64};
  o.channels = {8, 16, 32, 64};
  o.hidden = 32;
  o.latent_dim = 6;
  o.batch_norm = true;
  ConvVae vae(o);
  randomise_running_stats(*vae);
  vae->eval();
  const auto z = torch::randn({4, 6});
  torch::Tensor expected;
  {
    torch::AutoGradMode grad(true);  // grad mode on: the plain LibTorch path
    expected = vae->decode(z).detach();
  }
  torch::InferenceMode inference;
  const auto actual = vae->decode(z);
  EXPECT_TRUE(torch::allclose(actual, expected, 1e-5, 1e-5))
      << (actual - expected).abs().max().item<float>();
}

TEST(SubpixelConv, GeneratorFollowsWeightsChangedAfterTheFirstCall) {
  torch::manual_seed(0);
  DcganOptions o;
  o.image_shape = {3, 64, 64};
  o.latent_dim = 8;
  o.generator_width = 4;
  DcganGenerator generator(o);
  randomise_running_stats(*generator);
  generator->eval();
  const auto z = torch::randn({3, 8});
  const auto reference = [&] {
    torch::AutoGradMode grad(true);
    return generator->forward(z).detach();
  };
  {
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(torch::allclose(generator->forward(z), reference(), 1e-5, 1e-5));
    // An optimiser step changes weights in place; the cached rewrite must notice.
    for (auto& p : generator->parameters()) p.mul_(1.5);
    const auto after = generator->forward(z);
    EXPECT_TRUE(torch::allclose(after, reference(), 1e-5, 1e-5))
        << (after - reference()).abs().max().item<float>();
  }
}
