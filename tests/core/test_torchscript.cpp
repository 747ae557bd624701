// TorchScript interop proven on real PyTorch: tests/fixtures/make_torchscript.py (run by the CTest
// fixture torchscript_fixtures with Debian's python3-torch) exports a VAE and a DCGAN with
// reference outputs for fixed inputs, and the contract breakers. Here LibTorch must reproduce
// PyTorch to 1e-5 and reject every breaker with a message naming the file and the problem.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/zip_check.h"
#include "core/model/model_file.h"
#include "core/model/script_model.h"
#include "tests/core/temp_dir.h"
#include "tests/core/torchscript_fixtures.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

class TorchScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(0);
    ASSERT_NO_THROW(fixture_index()) << "fixtures missing in " << fixture_dir();
  }
};

TEST_F(TorchScriptTest, VaeInfoFollowsLatentlabJson) {
  const auto loaded = load_model(fixture("vae.pt"));
  const auto& info = loaded.info;
  EXPECT_EQ(info.format, "torchscript");
  EXPECT_EQ(info.architecture, "torchscript");
  EXPECT_EQ(info.name, "tiny-torchscript-vae");
  EXPECT_EQ(info.kind, ModelKind::Vae);
  EXPECT_EQ(info.latent_dim, 4);
  EXPECT_EQ(info.image_shape, (ImageShape{1, 28, 28}));
  EXPECT_EQ(info.output_range, (OutputRange{0.0f, 1.0f}));
  ASSERT_EQ(info.labels.size(), 10u);
  EXPECT_EQ(info.labels[9], "Ankle boot");
  ASSERT_EQ(info.attributes.size(), 2u);
  EXPECT_EQ(info.attributes.at("Smiling").direction,
            (std::vector<float>{0.5f, -0.25f, 0.125f, 1.0f}));
  EXPECT_EQ(info.attributes.at("Bright").direction,
            (std::vector<float>{-1.0f, 0.0f, 0.75f, 0.25f}));

  auto& model = *loaded.model;
  EXPECT_EQ(model.kind(), ModelKind::Vae);
  EXPECT_EQ(model.latent_dim(), 4);
  EXPECT_EQ(model.image_shape(), (ImageShape{1, 28, 28}));
  EXPECT_TRUE(model.can_encode());
  EXPECT_FALSE(model.can_discriminate());
  EXPECT_EQ(model.device(), torch::Device(torch::kCPU));
  EXPECT_THROW(model.discriminate(torch::zeros({1, 1, 28, 28})), InputError);
}

TEST_F(TorchScriptTest, VaeReproducesPyTorch) {
  const auto loaded = load_model(fixture("vae.pt"));
  auto& model = *loaded.model;
  const auto z = reference("vae_z");
  const auto x = reference("vae_x");
  // Several calls: the graph executor optimises after its profiling runs.
  for (int i = 0; i < 3; ++i) {
    const auto images = model.decode(z);
    EXPECT_EQ(images.scalar_type(), torch::kFloat32);
    EXPECT_EQ(images.device(), torch::Device(torch::kCPU));
    expect_parity("vae decode (call " + std::to_string(i + 1) + ")", images,
                  reference("vae_decoded"));
    const auto posterior = model.encode(x);
    expect_parity("vae encode mu (call " + std::to_string(i + 1) + ")", posterior.mean,
                  reference("vae_mu"));
    expect_parity("vae encode logvar (call " + std::to_string(i + 1) + ")", posterior.logvar,
                  reference("vae_logvar"));
  }
  // One latent at a time gives the rows of the batch.
  for (int64_t i = 0; i < z.size(0); ++i)
    EXPECT_LE(max_abs_diff(model.decode(z.slice(0, i, i + 1)),
                           reference("vae_decoded").slice(0, i, i + 1)),
              kParityTolerance);
}

TEST_F(TorchScriptTest, GanInfoFollowsLatentlabJson) {
  const auto loaded = load_model(fixture("gan.pt"));
  const auto& info = loaded.info;
  EXPECT_EQ(info.name, "tiny-torchscript-dcgan");
  EXPECT_EQ(info.kind, ModelKind::Gan);
  EXPECT_EQ(info.latent_dim, 16);
  EXPECT_EQ(info.image_shape, (ImageShape{3, 64, 64}));
  EXPECT_EQ(info.output_range, (OutputRange{-1.0f, 1.0f}));
  ASSERT_EQ(info.attributes.count("Smiling"), 1u);
  const auto& smiling = info.attributes.at("Smiling").direction;
  ASSERT_EQ(smiling.size(), 16u);
  const auto ramp = torch::linspace(-1.0, 1.0, 16);
  for (size_t i = 0; i < smiling.size(); ++i)
    EXPECT_NEAR(smiling[i], ramp[int64_t(i)].item<float>(), 1e-6);

  auto& model = *loaded.model;
  EXPECT_EQ(model.kind(), ModelKind::Gan);
  EXPECT_FALSE(model.can_encode());
  EXPECT_TRUE(model.can_discriminate());
  EXPECT_THROW(model.encode(torch::zeros({1, 3, 64, 64})), InputError);
}

TEST_F(TorchScriptTest, GanReproducesPyTorch) {
  const auto loaded = load_model(fixture("gan.pt"));
  auto& model = *loaded.model;
  for (int i = 0; i < 3; ++i) {
    const auto suffix = " (call " + std::to_string(i + 1) + ")";
    const auto generated = model.decode(reference("gan_z"));
    expect_parity("gan forward" + suffix, generated, reference("gan_generated"));
    expect_parity("gan discriminate(generated)" + suffix, model.discriminate(generated),
                  reference("gan_logits_generated"));
    expect_parity("gan discriminate(x)" + suffix, model.discriminate(reference("gan_x")),
                  reference("gan_logits_x"));
  }
}

TEST_F(TorchScriptTest, ModuleExportedInTrainingModeRunsInEvalMode) {
  const auto loaded = load_model(fixture("gan_train_mode.pt"));
  expect_parity("gan exported in train mode", loaded.model->decode(reference("gan_z")),
                reference("gan_generated"));
}

// Loaded modules run frozen (batch norm folded, parameters inlined): the parity tests above prove
// the frozen graphs against PyTorch; here they agree with the module as loaded on other inputs,
// every method, and again after to_device (which freezes anew).
// Render workers decode while other threads encode: TorchScript methods must be re-entrant.
TEST_F(TorchScriptTest, ConcurrentCallsReproducePyTorch) {
  const auto vae = load_model(fixture("vae.pt")).model;
  const auto gan = load_model(fixture("gan.pt")).model;
  const auto vae_z = reference("vae_z"), vae_x = reference("vae_x"), gan_z = reference("gan_z");
  const auto vae_want = reference("vae_decoded"), mu_want = reference("vae_mu"),
             gan_want = reference("gan_generated");
  constexpr int kThreads = 4, kCalls = 8;
  std::vector<double> worst(kThreads, 0.0);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      try {
        for (int i = 0; i < kCalls; ++i) {
          worst[size_t(t)] = std::max({worst[size_t(t)], max_abs_diff(vae->decode(vae_z), vae_want),
                                       max_abs_diff(vae->encode(vae_x).mean, mu_want),
                                       max_abs_diff(gan->decode(gan_z), gan_want)});
        }
      } catch (const std::exception& e) {
        errors[size_t(t)] = e.what();
      }
    });
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[size_t(t)], "") << "thread " << t;
    EXPECT_LE(worst[size_t(t)], kParityTolerance) << "thread " << t;
  }
}

TEST_F(TorchScriptTest, BadInputsAreInputErrors) {
  const auto loaded = load_model(fixture("vae.pt"));
  auto& model = *loaded.model;
  EXPECT_THROW(model.decode(torch::zeros({2, 5})), InputError);
  EXPECT_THROW(model.decode(torch::zeros({4})), InputError);
  EXPECT_THROW(model.decode(torch::full({1, 4}, std::nan(""))), InputError);
  EXPECT_THROW(model.encode(torch::zeros({1, 3, 28, 28})), InputError);
  EXPECT_THROW(model.encode(torch::zeros({1, 1, 32, 32})), InputError);
}

TEST_F(TorchScriptTest, CudaReproducesPyTorch) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "this LibTorch or machine has no CUDA";
  const auto loaded = load_model(fixture("vae.pt"), "cuda");
  EXPECT_TRUE(loaded.model->device().is_cuda());
  const auto images = loaded.model->decode(reference("vae_z"));
  EXPECT_EQ(images.device(), torch::Device(torch::kCPU));
  // cuDNN may pick other algorithms than the CPU: a looser bound.
  EXPECT_LE(max_abs_diff(images, reference("vae_decoded")), 1e-4);
  const auto gan = load_model(fixture("gan.pt"), "cuda");
  EXPECT_LE(max_abs_diff(gan.model->decode(reference("gan_z")), reference("gan_generated")), 1e-4);
  EXPECT_LE(max_abs_diff(gan.model->discriminate(reference("gan_x")), reference("gan_logits_x")),
            1e-4);
}

// --- the contract breakers ---------------------------------------------------------------------

void expect_load_error(const std::string& name, const std::vector<std::string>& parts) {
  const std::string path = fixture(name);
  const std::string message = load_error(path);
  std::printf("[ message  ] %s\n", message.c_str());
  EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << "message must start with the file: " << message;
  for (const auto& part : parts)
    EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
}

TEST_F(TorchScriptTest, NoLatentlabJson) {
  expect_load_error("no_json.pt", {"no latentlab.json", "_extra_files"});
}

TEST_F(TorchScriptTest, VaeWithoutDecode) {
  expect_load_error("vae_no_decode.pt", {"VAE has no method decode()"});
}

TEST_F(TorchScriptTest, DecodeReturnsWrongShape) {
  expect_load_error("vae_wrong_shape.pt",
                    {"decode() returned shape [2, 1, 27, 27]", "expected [2, 1, 28, 28]"});
}

TEST_F(TorchScriptTest, LatentlabJsonNotJson) {
  expect_load_error("bad_json.pt", {"latentlab.json is not valid JSON"});
}

TEST_F(TorchScriptTest, LatentDimDisagreesWithModule) {
  expect_load_error("wrong_latent_dim.pt",
                    {"decode() failed on input of shape [2, 6]", "mat1 and mat2", "latent_dim 6"});
}

TEST_F(TorchScriptTest, KindDisagreesWithModule) {
  expect_load_error("wrong_kind.pt", {"forward() failed on input of shape [2, 4]", "kind gan"});
}

TEST_F(TorchScriptTest, GeneratorReturningNanIsRejectedAtLoad) {
  expect_load_error("gan_nan.pt", {"forward() returned NaN or Inf", "trial run"});
}

TEST_F(TorchScriptTest, ZipThatIsNotTorchScript) {
  expect_load_error("not_torchscript.zip",
                    {"cannot be read as a TorchScript module", "torch.jit.save"});
}

TEST_F(TorchScriptTest, TorchSaveStateDictIsNotTorchScript) {
  expect_load_error("state_dict.pt",
                    {"cannot be read as a TorchScript module", "not by torch.save"});
}

TEST_F(TorchScriptTest, TruncatedModule) {
  TempDir dir;
  const std::string bytes = read_file(fixture("gan.pt"));
  for (size_t keep : {bytes.size() / 2, bytes.size() - 10}) {
    const std::string path = dir.file("truncated-" + std::to_string(keep) + ".pt");
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(keep));
    const std::string message = load_error(path);
    std::printf("[ message  ] %s\n", message.c_str());
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  }
}

// LibTorch itself loads these without complaint (damaged weights would simply draw garbage);
// the loader must name the record that Python's zipfile.testzip() names.
TEST_F(TorchScriptTest, DamagedWeightsAreDetected) {
  const auto& b = fixture_index().at("breakers").at("corrupt_weights.pt");
  expect_load_error("corrupt_weights.pt", {"zip record '" + b.at("bad_record").get<std::string>() +
                                           "' is corrupt (CRC-32 mismatch)"});
}

TEST_F(TorchScriptTest, DamagedCodeIsDetected) {
  const auto& b = fixture_index().at("breakers").at("corrupt_code.pt");
  expect_load_error("corrupt_code.pt", {"zip record '" + b.at("bad_record").get<std::string>() +
                                        "' is corrupt (CRC-32 mismatch)"});
}

TEST_F(TorchScriptTest, DamagedZipDirectoryIsDetected) {
  TempDir dir;
  std::string bytes = read_file(fixture("gan.pt"));
  const size_t last_entry = bytes.rfind(std::string("PK\x01\x02", 4));
  ASSERT_NE(last_entry, std::string::npos);
  bytes[last_entry + 1] = 'X';
  const std::string path = dir.file("bad_directory.pt");
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  const std::string message = load_error(path);
  EXPECT_EQ(message, path + ": zip central directory is corrupt");
}

// Every record of every intact PyTorch archive passes the CRC check (the check is not simply
// failing). A zip that is not a PyTorch archive is refused by the same check before LibTorch's
// reader sees it (that reader leaks memory when it refuses an archive).
TEST_F(TorchScriptTest, IntactArchivesPassTheChecksum) {
  for (const char* name : {"vae.pt", "gan.pt", "gan_train_mode.pt", "state_dict.pt"})
    EXPECT_NO_THROW(verify_zip_checksums(fixture(name))) << name;
  try {
    verify_zip_checksums(fixture("not_torchscript.zip"));
    ADD_FAILURE() << "a zip without a PyTorch layout passed";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("not a PyTorch archive"), std::string::npos) << e.what();
  }
}

TEST_F(TorchScriptTest, LatentlabJsonWithoutKind) {
  // Rewriting a fixture's extra file needs PyTorch; an object without kind is checked by hand.
  TempDir dir;
  const std::string path = dir.file("no_kind.pt");
  torch::jit::ExtraFilesMap extra{{"latentlab.json", ""}};
  auto module = torch::jit::load(fixture("vae.pt"), torch::kCPU, extra);
  auto meta = nlohmann::json::parse(extra["latentlab.json"]);
  meta.erase("kind");
  module.save(path, {{"latentlab.json", meta.dump()}});
  const std::string message = load_error(path);
  EXPECT_NE(message.find("latentlab.json has no \"kind\""), std::string::npos) << message;
}

// A module that turns NaN later on (here: loaded past the loader's trial run) is stopped at decode.
TEST_F(TorchScriptTest, DecodeNeverPassesNanOn) {
  ModelInfo info;
  info.kind = ModelKind::Gan;
  info.latent_dim = 16;
  info.image_shape = {3, 64, 64};
  info.output_range = {-1.0f, 1.0f};
  const std::string path = fixture("gan_nan.pt");
  ScriptModel model(torch::jit::load(path), info, /*has_discriminator=*/true, path);
  try {
    model.decode(reference("gan_z"));
    ADD_FAILURE() << "decode passed NaN on";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ": TorchScript forward() returned NaN or Inf"),
              std::string::npos)
        << e.what();
  }
  // The discriminator of the same file is finite and still usable.
  EXPECT_EQ(model.discriminate(reference("gan_x")).size(0), 2);
}

// --- the CLI on a TorchScript file -------------------------------------------------------------

#ifdef LATENTLAB_CLI
struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST_F(TorchScriptTest, CliInfoOnTorchScript) {
  if (!fs::exists(LATENTLAB_CLI)) GTEST_SKIP() << LATENTLAB_CLI << " is not built";
  const auto ok =
      run_command(std::string("'") + LATENTLAB_CLI + "' info --json '" + fixture("gan.pt") + "'");
  ASSERT_EQ(ok.status, 0) << ok.output;
  const auto j = nlohmann::json::parse(ok.output);
  EXPECT_EQ(j.at("format"), "torchscript");
  EXPECT_EQ(j.at("kind"), "gan");
  EXPECT_EQ(j.at("latent_dim"), 16);
  EXPECT_EQ(j.at("image_shape"), nlohmann::json({3, 64, 64}));

  const auto bad = run_command(std::string("'") + LATENTLAB_CLI + "' info '" +
                               fixture("vae_no_decode.pt") + "'");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("has no method decode()"), std::string::npos) << bad.output;
  EXPECT_EQ(std::count(bad.output.begin(), bad.output.end(), '\n'), 1) << bad.output;
}
#endif

}  // namespace
