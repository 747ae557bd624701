// Every entry of the hostile-input corpus (tests/hostile/make_corpus.py, run by the CTest fixture
// hostile_corpus) through the core API and through the real latentlab-cli:
// - core: an exception of the project's own type (latentlab::Error) whose message names the
//   file and says what is wrong (one of the entry's expected words);
// - CLI: exit code 1 (never a signal: no crash, no abort), exactly one line on stderr equal to
//   "latentlab-cli: error: " + the core message, and nothing left in the output folder (no
//   partial file, no temporary); `attributes` leaves the checkpoint it would update untouched.
// Odd but valid entries ("ok": a 16-bit PNG, a CMYK JPEG, CRLF attribute files) must load, and
// their CLI outputs are read back. Every other entry must be refused, and lists the words its
// refusal must hold.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/analysis/embedding.h"
#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/fitting/attributes.h"
#include "core/image/image_io.h"
#include "core/io/atomic_file.h"
#include "core/io/latent_io.h"
#include "core/io/session.h"
#include "core/model/model_file.h"
#include "tests/core/temp_dir.h"
#include "tests/hostile/child_process.h"
#include "tests/hostile/corpus.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

constexpr const char* kErrorPrefix = "latentlab-cli: error: ";

using test::base;
using test::entries;
using test::Entry;
using test::folder_listing;
using test::holds_one_of;
using test::manifest;

int64_t latent_dim() { return manifest().at("latent_dim").get<int64_t>(); }

ImageShape image_shape() {
  const auto s = manifest().at("image_shape").get<std::vector<int64_t>>();
  return {s[0], s[1], s[2]};
}

// What the core API made of an entry: the error message, or nothing when it loaded.
struct CoreResult {
  std::optional<std::string> error;
  // The error came after the files were read (attribute vectors that cannot be computed from the
  // labels): the CLI verb may have reported progress before it.
  bool after_reading = false;
  torch::Tensor value;  // latents for latent entries, the image for image entries
};

// What `latentlab-cli attributes` computes from a CelebA folder, through core: the base model's
// latents of its images and one attribute vector per labelled attribute.
void compute_attributes_of(const Entry& e, const Dataset& data, CoreResult& r) {
  auto loaded = load_model(manifest().at("base").at("checkpoint").get<std::string>(), "cpu");
  const Embedding embedding = encode_dataset(*loaded.model, data);
  AttributeOptions options;
  options.source = e.spec;
  try {
    compute_attributes(embedding.means, embedding.attributes, embedding.attribute_names, {},
                       options);
  } catch (const Error&) {
    r.after_reading = true;
    throw;
  }
}

// The core calls a user's action reaches for each kind of file.
CoreResult try_core(const Entry& e) {
  CoreResult r;
  try {
    if (e.category == "model") {
      auto loaded = load_model(e.path, "cpu");
      const auto z = latents_from_seed(0, 1, loaded.model->latent_dim());
      r.value = loaded.model->decode(z);
    } else if (e.category == "latent") {
      r.value = read_latents(e.path, latent_dim());
    } else if (e.category == "image") {
      r.value = read_image(e.path, image_shape(), {0.0f, 1.0f});
    } else if (e.category == "idx" || e.category == "celeba") {
      DatasetOptions options;
      options.image_shape = image_shape();
      options.on_warning = [](const std::string&) {};
      const auto data = open_dataset(e.spec, options);
      r.value = load_all_images(*data);
      load_all_labels(*data);
      load_all_attributes(*data);
      if (e.category == "celeba") compute_attributes_of(e, *data, r);
    } else if (e.category == "session") {
      const Session s = read_session(e.path);
      const auto loaded = load_model(s.model_path, "cpu");
      check_session_fits(s, loaded.model->latent_dim());
    } else {
      ADD_FAILURE() << "unknown category " << e.category;
    }
  } catch (const Error& error) {
    r.error = error.what();
  } catch (const std::exception& other) {
    ADD_FAILURE() << e.id << ": not a latentlab::Error but " << typeid(other).name() << ": "
                  << other.what();
    r.error = other.what();
  }
  return r;
}

struct CliRun {
  int status = 0;
  std::vector<std::string> err_lines;
  std::string out_dir;  // the folder given for outputs
  std::string output;   // the output path the verb was asked to write
};

class Hostile : public ::testing::TestWithParam<Entry> {
 protected:
  static void SetUpTestSuite() { dir_ = new TempDir; }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // The CLI verb that opens this kind of file, writing into a fresh folder.
  CliRun run_cli(const Entry& e) {
    CliRun run;
    run.out_dir = dir_->file(e.category + "_" + e.id);
    fs::create_directories(run.out_dir);
    std::vector<std::string> argv{LATENTLAB_CLI};
    const auto out = [&](const std::string& name) { return run.output = run.out_dir + "/" + name; };
    if (e.category == "model") {
      argv.insert(argv.end(),
                  {"decode", e.path, "--seed", "0", "--device", "cpu", "--out", out("x.png")});
    } else if (e.category == "latent") {
      argv.insert(argv.end(), {"decode", base("checkpoint"), "--z", e.path, "--device", "cpu",
                               "--out", out("x.png")});
    } else if (e.category == "image") {
      argv.insert(argv.end(), {"encode", base("checkpoint"), e.path, "--device", "cpu", "--out",
                               out("z.json")});
    } else if (e.category == "idx") {
      argv.insert(argv.end(), {"train", "vae", "--data", e.spec, "--epochs", "1", "--channels",
                               "4,8", "--hidden", "0", "--latent-dim", "3", "--batch-size", "16",
                               "--out", out("model.llckpt")});
    } else if (e.category == "celeba") {
      // attributes rewrites the checkpoint it is given: a copy in its own folder.
      fs::copy_file(base("checkpoint"), out("model.llckpt"));
      argv.insert(argv.end(),
                  {"attributes", run.output, "--data", e.spec, "--no-cache", "--device", "cpu"});
    }
    const std::string log = run.out_dir + ".";
    test::ChildProcess child(argv, run.out_dir, log + "stdout", log + "stderr");
    run.status = child.wait();
    run.err_lines = test::lines_of(test::slurp(log + "stderr"));
    return run;
  }

  static TempDir* dir_;
};

TempDir* Hostile::dir_ = nullptr;

void check_error_message(const Entry& e, const std::string& message) {
  EXPECT_NE(message.find(e.names), std::string::npos)
      << "the message does not name the file: " << message;
  EXPECT_TRUE(holds_one_of(message, e.expect))
      << "the message says none of the expected words: " << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << "more than one line: " << message;
}

// The CLI says exactly what core said, on one line (after progress lines when the verb got past
// reading its inputs).
void check_cli_refusal(const Entry& e, const CliRun& run, const CoreResult& core) {
  ASSERT_TRUE(WIFEXITED(run.status)) << "killed by signal " << WTERMSIG(run.status);
  EXPECT_EQ(WEXITSTATUS(run.status), 1);
  ASSERT_FALSE(run.err_lines.empty());
  if (!core.after_reading) {
    EXPECT_EQ(run.err_lines.size(), 1u) << "stderr must be one line";
  }
  EXPECT_EQ(run.err_lines.back(), kErrorPrefix + *core.error);
  for (size_t i = 0; i + 1 < run.err_lines.size(); ++i)
    EXPECT_NE(run.err_lines[i].rfind(kErrorPrefix, 0), 0u)
        << "a second error: " << run.err_lines[i];
  if (e.category == "celeba") {
    EXPECT_EQ(read_file(run.output), read_file(base("checkpoint"))) << "the checkpoint was changed";
    EXPECT_EQ(folder_listing(run.out_dir), std::vector<std::string>{"model.llckpt"});
  } else {
    EXPECT_TRUE(folder_listing(run.out_dir).empty()) << "output left behind";
  }
}

// A valid input: the CLI succeeds and its output reads back as what core computes.
void check_cli_success(const Entry& e, const CliRun& run, const CoreResult& core) {
  ASSERT_TRUE(WIFEXITED(run.status)) << "killed by signal " << WTERMSIG(run.status);
  ASSERT_EQ(WEXITSTATUS(run.status), 0) << (run.err_lines.empty() ? "" : run.err_lines.back());
  ASSERT_TRUE(fs::exists(run.output));
  const auto base_model = [] { return load_model(base("checkpoint"), "cpu"); };
  if (e.category == "model") {
    const auto png = decode_png_bytes(read_file(run.output));
    const auto& shape = core.value.sizes();
    EXPECT_EQ(png.sizes(), (torch::IntArrayRef{shape[2], shape[3], shape[1] == 1 ? 1 : 3}));
  } else if (e.category == "latent") {
    const auto png = decode_png_bytes(read_file(run.output));
    EXPECT_GE(png.size(0), image_shape().height);
  } else if (e.category == "image") {
    auto loaded = base_model();
    const auto want = loaded.model->encode(core.value.unsqueeze(0)).mean;
    EXPECT_TRUE(torch::allclose(read_latents(run.output, latent_dim()), want, 1e-5, 1e-6));
  } else if (e.category == "idx") {
    EXPECT_EQ(load_model(run.output, "cpu").model->latent_dim(), 3);
  } else if (e.category == "celeba") {
    const auto info = load_model(run.output, "cpu").info;
    EXPECT_EQ(info.attributes.count("Smiling"), 1u);
    EXPECT_EQ(info.attributes.count("Male"), 1u);
  }
}

TEST_P(Hostile, RefusedCleanlyByCoreAndCli) {
  const Entry& e = GetParam();
  SCOPED_TRACE(e.id + " (" + e.what + "): " + e.path);
  const CoreResult core = try_core(e);
  if (core.error) {
    EXPECT_NE(e.outcome, "ok") << "a valid input was refused: " << *core.error;
    check_error_message(e, *core.error);
  } else {
    EXPECT_NE(e.outcome, "error") << "a hostile input was accepted";
    if (core.value.defined() && core.value.is_floating_point()) {
      EXPECT_TRUE(torch::isfinite(core.value).all().item<bool>()) << "a loaded value is not finite";
    }
  }
  if (e.category == "session") return;  // the GUI restores sessions; there is no CLI verb
  const CliRun run = run_cli(e);
  if (core.error)
    check_cli_refusal(e, run, core);
  else
    check_cli_success(e, run, core);
}

using test::entry_name;

INSTANTIATE_TEST_SUITE_P(model, Hostile, ::testing::ValuesIn(entries("model")), entry_name);
INSTANTIATE_TEST_SUITE_P(latent, Hostile, ::testing::ValuesIn(entries("latent")), entry_name);
INSTANTIATE_TEST_SUITE_P(image, Hostile, ::testing::ValuesIn(entries("image")), entry_name);
INSTANTIATE_TEST_SUITE_P(idx, Hostile, ::testing::ValuesIn(entries("idx")), entry_name);
INSTANTIATE_TEST_SUITE_P(celeba, Hostile, ::testing::ValuesIn(entries("celeba")), entry_name);
INSTANTIATE_TEST_SUITE_P(session, Hostile, ::testing::ValuesIn(entries("session")), entry_name);

TEST(HostileCorpus, ManifestIsThere) {
  ASSERT_FALSE(manifest().is_null())
      << "no " << test::corpus_dir() << "/manifest.json: run `ctest -R hostile_corpus` first";
  EXPECT_GT(manifest().at("entries").size(), 150u);
}

// Every entry is either refused, with the words its refusal must hold, or valid and loaded; a
// bad analysis store ("warning") leaves its model opening, with the words its warning must hold.
TEST(HostileCorpus, EveryRefusalListsItsWords) {
  ASSERT_FALSE(manifest().is_null());
  for (const auto& e : manifest().at("entries")) {
    const std::string outcome = e.at("outcome"), id = e.at("id");
    const bool store = e.at("category") == "store";
    EXPECT_TRUE(outcome == "ok" || outcome == (store ? "warning" : "error"))
        << id << ": outcome " << outcome;
    EXPECT_EQ(outcome != "ok", !e.at("expect").empty()) << id << ": expected words";
  }
}

}  // namespace
