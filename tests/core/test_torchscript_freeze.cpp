// TorchScript modules run frozen (ScriptModel::freeze_for_inference): the frozen copy computes
// what the loaded module computes, batch norm is folded into transposed convolutions too, and a
// VAE decoder's last convolution runs our kernel.
#include <gtest/gtest.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/script.h>
#include <torch/torch.h>

#include "core/model/batch_norm_folding.h"
#include "core/model/model_file.h"
#include "core/model/script_graph_kernels.h"
#include "core/model/script_model.h"
#include "tests/core/torchscript_fixtures.h"

using namespace latentlab;

namespace {

class TorchScriptFreezeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(0);
    ASSERT_NO_THROW(fixture_index()) << "fixtures missing in " << fixture_dir();
  }
};

TEST_F(TorchScriptFreezeTest, ModulesRunFrozenAndComputeWhatTheLoadedModuleComputes) {
  for (const std::string name : {"vae.pt", "gan.pt"}) {
    auto loaded = load_model(fixture(name));
    auto* frozen = dynamic_cast<ScriptModel*>(loaded.model.get());
    ASSERT_NE(frozen, nullptr) << name;
    EXPECT_TRUE(frozen->frozen()) << name;
    ScriptModel as_loaded(torch::jit::load(fixture(name)), loaded.info, frozen->can_discriminate(),
                          fixture(name));
    as_loaded.fit_to_contract();
    ASSERT_FALSE(as_loaded.frozen());
    const auto z = torch::randn({5, frozen->latent_dim()});
    const auto images = as_loaded.decode(z);
    EXPECT_LE(max_abs_diff(frozen->decode(z), images), kParityTolerance) << name;
    if (frozen->can_encode()) {
      const auto want = as_loaded.encode(images), got = frozen->encode(images);
      EXPECT_LE(max_abs_diff(got.mean, want.mean), kParityTolerance) << name;
      EXPECT_LE(max_abs_diff(got.logvar, want.logvar), kParityTolerance) << name;
    }
    if (frozen->can_discriminate()) {
      EXPECT_LE(max_abs_diff(frozen->discriminate(images), as_loaded.discriminate(images)),
                kParityTolerance)
          << name;
    }
    frozen->to_device(torch::kCPU);
    EXPECT_TRUE(frozen->frozen()) << name;
    EXPECT_LE(max_abs_diff(frozen->decode(z), images), kParityTolerance) << name;
  }
}

// The DCGAN fixture's generator: four transposed convolutions each followed by a batch norm with
// non-trivial statistics (make_torchscript.py). LibTorch's frozen-graph passes fold batch norm into
// conv2d only; ours folds these four, and the graph computes what it did before, as PyTorch.
TEST_F(TorchScriptFreezeTest, TransposedConvolutionsAbsorbTheirBatchNorms) {
  torch::InferenceMode guard;
  auto module = torch::jit::load(fixture("gan.pt"));
  module.eval();
  auto frozen = torch::jit::freeze_module(module, {"forward"});
  const auto graph = frozen.get_method("forward").graph();
  const auto count = [&graph](c10::Symbol kind) {
    int n = 0;
    for (const auto* node : graph->nodes()) n += node->kind() == kind;
    return n;
  };
  const auto z = reference("gan_z");
  const auto before = frozen.forward({z}).toTensor();
  ASSERT_EQ(count(c10::aten::batch_norm), 4);
  EXPECT_EQ(fold_transposed_conv_batch_norm(graph), 4);
  EXPECT_EQ(count(c10::aten::batch_norm), 0);
  EXPECT_EQ(count(c10::aten::conv_transpose2d), 5);
  const auto after = frozen.forward({z}).toTensor();
  EXPECT_LE(max_abs_diff(after, before), kParityTolerance);
  EXPECT_LE(max_abs_diff(after, reference("gan_generated")), kParityTolerance);
  EXPECT_EQ(fold_transposed_conv_batch_norm(graph), 0);  // nothing left to fold
}

// A module with the last layer of a VAE decoder (3x3 convolution, 5 -> 3 channels) and one the
// kernel does not handle (stride 2), defined in TorchScript here.
TEST_F(TorchScriptFreezeTest, FewOutputConvolutionsRunOurKernel) {
  torch::InferenceMode guard;
  torch::jit::Module module("Last");
  module.register_parameter("w", torch::randn({3, 5, 3, 3}), false);
  module.register_parameter("b", torch::randn({3}), false);
  module.register_parameter("w2", torch::randn({2, 3, 3, 3}), false);
  module.define(R"(
def forward(self, x):
    y = torch.conv2d(x, self.w, self.b, [1, 1], [1, 1], [1, 1], 1)
    return torch.conv2d(torch.tanh(y), self.w2, None, [2, 2], [1, 1], [1, 1], 1)
)");
  module.eval();
  auto frozen = torch::jit::freeze_module(module, {"forward"});
  const auto graph = frozen.get_method("forward").graph();
  const auto count = [&graph](const char* kind) {
    int n = 0;
    for (const auto* node : graph->nodes()) n += node->kind() == c10::Symbol::fromQualString(kind);
    return n;
  };
  const auto x = torch::randn({2, 5, 9, 7});
  const auto before = frozen.forward({x}).toTensor();
  EXPECT_EQ(use_few_output_conv(graph), 1);
  EXPECT_EQ(count("latentlab::few_output_conv3x3"), 1);
  EXPECT_EQ(count("aten::conv2d"), 1);  // the stride-2 one stays LibTorch's
  const auto after = frozen.forward({x}).toTensor();
  EXPECT_LE(max_abs_diff(after, before), kParityTolerance);
  EXPECT_EQ(use_few_output_conv(graph), 0);
}

}  // namespace
