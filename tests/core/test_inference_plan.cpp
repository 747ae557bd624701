// Inference execution of the native networks (core/model/inference_plan.h): batch norm folded
// into the weights, activations in place and stride-2 transposed convolutions rewritten as
// ordinary ones, against LibTorch's own unfolded layers (eval mode), layer by layer and through
// whole encoders, decoders and discriminators, at batch 1 and more, on 1 and 2 threads.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/conv_vae.h"
#include "core/model/dcgan.h"
#include "core/model/few_output_conv.h"
#include "core/model/gan_model.h"
#include "core/model/subpixel_conv.h"
#include "core/model/vae_model.h"
#include "tests/core/thread_count.h"

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
  // Batch norm's own scale and shift too (they start at 1 and 0).
  for (auto& p : module.named_parameters()) {
    if (p.key().find("weight") != std::string::npos && p.value().dim() == 1)
      p.value().uniform_(0.5, 1.5);
    if (p.key().find("bias") != std::string::npos) p.value().normal_(0.0, 0.2);
  }
}

// f() computed the unfolded way: LibTorch's own layers, with gradients on.
template <typename F>
torch::Tensor unfolded(F f) {
  torch::AutoGradMode grad(true);
  return f().detach();
}

float max_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<float>();
}

ConvVaeOptions face_vae_options() {
  ConvVaeOptions o;
  o.image_shape = {3, 64, 64};
  o.channels = {8, 16, 32, 64};
  o.hidden = 32;
  o.latent_dim = 6;
  o.batch_norm = true;
  o.output_range = {-1.0f, 1.0f};
  return o;
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
  ConvVae vae(face_vae_options());
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

TEST(InferencePlan, FoldedVaeEqualsTheUnfoldedOneWithin1e5) {
  torch::manual_seed(0);
  ConvVae vae(face_vae_options());
  randomise_running_stats(*vae);
  vae->eval();
  for (int threads : {1, 2}) {
    ThreadCount scope(threads);  // LibTorch picks its kernels by it
    for (int64_t batch : {1, 5}) {
      SCOPED_TRACE(std::to_string(threads) + " thread(s), batch " + std::to_string(batch));
      const auto z = torch::randn({batch, 6});
      const auto x = torch::rand({batch, 3, 64, 64}) * 2 - 1;
      const auto decoded = unfolded([&] { return vae->decode(z); });
      const auto mu = unfolded([&] { return vae->encode(x).first; });
      const auto logvar = unfolded([&] { return vae->encode(x).second; });
      torch::InferenceMode inference;
      EXPECT_LE(max_difference(vae->decode(z), decoded), 1e-5);
      const auto [folded_mu, folded_logvar] = vae->encode(x);
      EXPECT_LE(max_difference(folded_mu, mu), 1e-5);
      EXPECT_LE(max_difference(folded_logvar, logvar), 1e-5);
    }
  }
}

TEST(InferencePlan, FoldedDcganEqualsTheUnfoldedOneWithin1e5) {
  torch::manual_seed(0);
  DcganOptions o;
  o.image_shape = {3, 64, 64};
  o.latent_dim = 8;
  o.generator_width = 8;
  o.discriminator_width = 8;
  DcganGenerator generator(o);
  DcganDiscriminator discriminator(o);
  randomise_running_stats(*generator);
  randomise_running_stats(*discriminator);
  generator->eval();
  discriminator->eval();
  for (int threads : {1, 2}) {
    ThreadCount scope(threads);  // LibTorch picks its kernels by it
    for (int64_t batch : {1, 3}) {
      SCOPED_TRACE(std::to_string(threads) + " thread(s), batch " + std::to_string(batch));
      const auto z = torch::randn({batch, 8});
      const auto images = unfolded([&] { return generator->forward(z); });
      const auto logits = unfolded([&] { return discriminator->forward(images); });
      torch::InferenceMode inference;
      EXPECT_LE(max_difference(generator->forward(z), images), 1e-5);
      EXPECT_LE(max_difference(discriminator->forward(images), logits),
                1e-5 * logits.abs().max().item<float>() + 1e-5);
    }
  }
}

TEST(InferencePlan, RunningStatisticsChangedByTrainingArePickedUp) {
  torch::manual_seed(0);
  ConvVae vae(face_vae_options());
  vae->eval();
  const auto z = torch::randn({2, 6});
  {
    torch::InferenceMode inference;
    vae->decode(z);  // prepares the folded weights
  }
  // A training step in train mode moves every batch norm's running statistics in place.
  vae->train();
  vae->decode(torch::randn({4, 6}) * 3);
  vae->eval();
  const auto expected = unfolded([&] { return vae->decode(z); });
  torch::InferenceMode inference;
  EXPECT_LE(max_difference(vae->decode(z), expected), 1e-5);
}

TEST(NativeModel, NonFiniteLatentsAndOutputsAreRefused) {
  VaeModel model(ConvVaeOptions{});
  for (float bad : {INFINITY, -INFINITY, NAN, -NAN}) {
    auto z = torch::zeros({3, 2});
    z[2][1] = bad;
    EXPECT_THROW(model.decode(z), InputError) << bad;
  }
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model.network().named_parameters())
      if (p.key().rfind("decoder_conv.", 0) == 0 && p.key().find("bias") != std::string::npos)
        p.value().fill_(NAN);
  }
  try {
    model.decode(torch::zeros({1, 2}));
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "the model's decoder returned NaN or Inf");
  }
}

// The rewritten decoders on a GPU: the sub-pixel weights are built on the model's device (a
// native model on CUDA once failed to decode: its tap indices were CPU tensors).
TEST(NativeModel, OnCudaDecodesWhatItDecodesOnTheCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "this LibTorch or machine has no CUDA";
  torch::manual_seed(0);
  DcganOptions gan;
  gan.image_shape = {3, 64, 64};
  gan.latent_dim = 8;
  gan.generator_width = 4;
  std::vector<std::pair<std::string, std::shared_ptr<NativeModel>>> models = {
      {"vae", std::make_shared<VaeModel>(face_vae_options())},
      {"gan", std::make_shared<GanModel>(gan)}};
  for (auto& [name, model] : models) {
    const auto z = torch::randn({3, model->latent_dim()});
    const auto on_cpu = model->decode(z);
    model->to_device(torch::Device("cuda"));
    const auto on_cuda = model->decode(z);
    EXPECT_TRUE(on_cuda.device().is_cpu()) << name;
    // Within half an 8-bit level of [-1, 1]: cuDNN may use TF32 for convolutions.
    EXPECT_TRUE(torch::allclose(on_cuda, on_cpu, 0.0, 4e-3))
        << name << ": " << (on_cuda - on_cpu).abs().max().item<float>();
  }
}

TEST(FewOutputConv, EqualsConv2dForEveryChannelCountAndOddSizes) {
  torch::manual_seed(0);
  torch::NoGradGuard no_grad;
  for (int64_t cout : {1, 2, 3, 4})
    for (auto [h, w] : {std::pair<int64_t, int64_t>{7, 9}, {1, 1}, {5, 2}, {3, 70}})
      for (int threads : {1, 2}) {
        ThreadCount scope(threads);
        const auto x = torch::randn({2, 5, h, w});
        const auto weight = torch::randn({cout, 5, 3, 3});
        const auto bias = torch::randn({cout});
        ASSERT_TRUE(is_few_output_conv3x3(weight, {1, 1}, {1, 1}, {1, 1}, 1));
        const auto expected = torch::conv2d(x, weight, bias, 1, 1);
        const auto actual = few_output_conv3x3(x, weight, bias);
        ASSERT_EQ(actual.sizes(), expected.sizes());
        EXPECT_LT(max_difference(actual, expected), 1e-5)
            << cout << " outputs, " << h << "x" << w << ", " << threads << " threads";
        const auto unbiased = few_output_conv3x3(x, weight, torch::Tensor());
        EXPECT_LT(max_difference(unbiased, torch::conv2d(x, weight, {}, 1, 1)), 1e-5);
      }
}

TEST(FewOutputConv, OtherShapesAreLeftToLibTorch) {
  const auto weight = torch::zeros({3, 8, 3, 3});
  EXPECT_FALSE(is_few_output_conv3x3(torch::zeros({5, 8, 3, 3}), {1, 1}, {1, 1}, {1, 1}, 1));
  EXPECT_FALSE(is_few_output_conv3x3(torch::zeros({3, 8, 5, 5}), {1, 1}, {1, 1}, {1, 1}, 1));
  EXPECT_FALSE(is_few_output_conv3x3(weight, {2, 2}, {1, 1}, {1, 1}, 1));
  EXPECT_FALSE(is_few_output_conv3x3(weight, {1, 1}, {0, 0}, {1, 1}, 1));
  EXPECT_FALSE(is_few_output_conv3x3(weight, {1, 1}, {1, 1}, {2, 2}, 1));
  EXPECT_FALSE(is_few_output_conv3x3(weight.to(torch::kFloat64), {1, 1}, {1, 1}, {1, 1}, 1));
}
