// TorchScript files: the latentlab.json contract check and the trial run of load_model, on small
// modules made here and saved with the input as their latentlab.json. The first byte picks the
// module: a VAE, a GAN, a GAN with a discriminator, or one that breaks the contract (no decode,
// encode returning a tensor, decode returning NaN). Each takes latents of 2 values and makes
// 1x4x4 images, so the metadata decides whether the trial run fits.
#include <torch/script.h>

#include <array>

#include "core/model/model_file.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

constexpr const char* kEncode = R"(
def encode(self, x):
    mu = torch.matmul(x.reshape([x.size(0), 16]), self.enc)
    return mu, mu * 0.0
)";
constexpr const char* kDecode = R"(
def decode(self, z):
    return torch.sigmoid(torch.matmul(z, self.dec)).reshape([z.size(0), 1, 4, 4])
)";
constexpr const char* kForward = R"(
def forward(self, z):
    return torch.tanh(torch.matmul(z, self.dec)).reshape([z.size(0), 1, 4, 4])
)";
constexpr const char* kDiscriminate = R"(
def discriminate(self, x):
    return torch.matmul(x.reshape([x.size(0), 16]), self.enc)[:, 0]
)";
constexpr const char* kEncodeTensor = R"(
def encode(self, x):
    return torch.matmul(x.reshape([x.size(0), 16]), self.enc)
)";
constexpr const char* kDecodeNan = R"(
def decode(self, z):
    return torch.matmul(z, self.dec).reshape([z.size(0), 1, 4, 4]) * float('nan')
)";

torch::jit::Module make_module(std::initializer_list<const char*> methods) {
  torch::jit::Module m("Fuzzed");
  m.register_parameter("enc", torch::linspace(-1, 1, 32).reshape({16, 2}), false);
  m.register_parameter("dec", torch::linspace(-1, 1, 32).reshape({2, 16}), false);
  for (const char* method : methods) m.define(method);
  return m;
}

const std::array<torch::jit::Module, 6>& modules() {
  static const std::array<torch::jit::Module, 6> all{
      make_module({kEncode, kDecode}),        make_module({kForward}),
      make_module({kForward, kDiscriminate}), make_module({kEncode}),
      make_module({kEncodeTensor, kDecode}),  make_module({kEncode, kDecodeNan})};
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latentlab;
  if (size == 0) return 0;
  const auto& module = modules()[data[0] % modules().size()];
  const std::string path = fuzz::input_path(".pt");
  module.save(path,
              {{"latentlab.json", std::string(reinterpret_cast<const char*>(data) + 1, size - 1)}});
  fuzz::expect_only_project_errors([&] { load_model(path, "cpu"); });
  return 0;
}
