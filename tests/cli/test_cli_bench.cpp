// latentlab-cli bench end to end: the real binary on a tiny VAE and DCGAN made here. Only the
// shape of the report is checked (fields present, positive, p95 >= median), never a speed.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/model/gan_model.h"
#include "core/model/model_file.h"
#include "core/model/vae_model.h"
#include "tests/cli/cli_run.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;

namespace {

using test::quote;

class CliBenchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    torch::manual_seed(0);
    ConvVaeOptions o;
    o.image_shape = {1, 8, 8};
    o.channels = {4};
    o.latent_dim = 2;
    VaeModel vae(o);
    save_checkpoint(dir_->file("vae.llckpt"), vae, ModelInfo{});
    DcganOptions g;
    g.latent_dim = 2;
    g.generator_width = 2;
    g.discriminator_width = 2;
    GanModel gan(g);
    save_checkpoint(dir_->file("gan.llckpt"), gan, ModelInfo{});
  }
  static void TearDownTestSuite() { delete dir_; }

  static test::CliResult run(const std::string& args) {
    return test::run_cli("bench " + args, dir_->path());
  }

  static void expect_timing(const nlohmann::json& j, const std::string& what) {
    ASSERT_TRUE(j.contains(what)) << j.dump();
    const auto& t = j[what];
    for (const char* field : {"median_ms", "p95_ms", "images_per_second"}) {
      ASSERT_TRUE(t.contains(field) && t[field].is_number()) << what << "." << field;
      EXPECT_GT(t[field].get<double>(), 0.0) << what << "." << field;
    }
    EXPECT_GE(t["p95_ms"].get<double>(), t["median_ms"].get<double>()) << what;
  }

  static TempDir* dir_;
};

TempDir* CliBenchTest::dir_ = nullptr;

TEST_F(CliBenchTest, VaeJsonHasDecodeAndEncodeTimings) {
  const auto r =
      run(quote(dir_->file("vae.llckpt")) + " --batch 3 --iterations 5 --device cpu --json");
  ASSERT_EQ(r.code, 0) << (r.err_lines.empty() ? "" : r.err_lines[0]);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "vae");
  EXPECT_EQ(j["device"], "cpu");
  EXPECT_EQ(j["batch"], 3);
  EXPECT_EQ(j["iterations"], 5);
  EXPECT_EQ(j["pause_ms"], 0);
  EXPECT_GE(j["threads"].get<int>(), 1);
  expect_timing(j, "decode");
  expect_timing(j, "encode");
}

TEST_F(CliBenchTest, GanHasDecodeOnlyAndTextReportNamesIt) {
  const auto json = run(quote(dir_->file("gan.llckpt")) + " --iterations 3 --json");
  ASSERT_EQ(json.code, 0);
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["kind"], "gan");
  EXPECT_EQ(j["batch"], 1);
  expect_timing(j, "decode");
  EXPECT_FALSE(j.contains("encode"));

  const auto text = run(quote(dir_->file("gan.llckpt")) + " --iterations 3");
  ASSERT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("decode"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("encode"), std::string::npos) << text.out;
}

// Pauses are not timed: 3 decodes and 3 encodes after 300 ms each take at least 1.8 s of wall
// time, while the reported latencies stay those of the calls (far below the pause).
TEST_F(CliBenchTest, PausesComeBeforeEachCallAndAreNotTimed) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = run(quote(dir_->file("vae.llckpt")) + " --iterations 3 --pause-ms 300 --json");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(r.code, 0) << (r.err_lines.empty() ? "" : r.err_lines[0]);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["pause_ms"], 300);
  EXPECT_GE(seconds, 1.8);
  for (const char* what : {"decode", "encode"}) {
    expect_timing(j, what);
    EXPECT_LT(j[what]["median_ms"].get<double>(), 300.0) << what;
  }
}

TEST_F(CliBenchTest, BadArgumentsFailWithOneLine) {
  const auto vae = quote(dir_->file("vae.llckpt"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {vae + " --batch 0", "--batch"},
      {vae + " --iterations 0", "--iterations"},
      {vae + " --pause-ms -1", "--pause-ms"},
      {vae + " --pause-ms 20000", "--pause-ms"},
      {vae + " --batch many", "--batch"},
      {vae + " --device tpu", "tpu"},
      {quote(dir_->file("missing.llckpt")), "missing.llckpt"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run(args);
    EXPECT_EQ(r.code, 1) << args;
    ASSERT_EQ(r.err_lines.size(), 1u) << args;
    EXPECT_EQ(r.err_lines[0].rfind("latentlab-cli: error: ", 0), 0u) << r.err_lines[0];
    EXPECT_NE(r.err_lines[0].find(message), std::string::npos) << r.err_lines[0];
    EXPECT_TRUE(r.out.empty()) << args;
  }
}

}  // namespace
