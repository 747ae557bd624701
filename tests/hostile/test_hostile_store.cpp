// Every hostile analysis store of the corpus (tests/hostile/corpus_stores.py), each beside a good
// TorchScript model:
// - core: the model opens; the store's analysis is not applied; exactly one warning, one line,
//   naming the store and saying what is wrong (the control store applies, with no warning);
// - CLI: `bind` on a copy exits 0, prints that warning on stderr, renames the bad store to
//   STORE.bak unchanged (nothing is lost) and writes a new store that the next open applies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/model/model_file.h"
#include "tests/core/temp_dir.h"
#include "tests/hostile/child_process.h"
#include "tests/hostile/corpus.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

using test::Entry;

class HostileStore : public ::testing::TestWithParam<Entry> {
 protected:
  void SetUp() override { setenv("XDG_DATA_HOME", data_home_.path().c_str(), 1); }
  void TearDown() override { unsetenv("XDG_DATA_HOME"); }
  TempDir data_home_;
};

// The entry's folder copied into dir; a huge sparse store is made sparse again, not written out.
std::string copy_entry(const Entry& e, const TempDir& dir) {
  const fs::path source = fs::path(e.path).parent_path();
  for (const auto& f : fs::recursive_directory_iterator(source)) {
    const fs::path target = fs::path(dir.path()) / fs::relative(f.path(), source);
    if (f.is_directory()) {
      fs::create_directories(target);
    } else if (f.file_size() > (uint64_t{100} << 20)) {
      std::ofstream(target.string()).close();
      fs::resize_file(target, f.file_size());
    } else {
      fs::copy_file(f.path(), target);
    }
  }
  return dir.file("model.pt");
}

bool same_content(const std::string& a, const std::string& b) {
  if (fs::is_directory(a) || fs::is_directory(b)) return fs::is_directory(a) == fs::is_directory(b);
  if (fs::file_size(a) != fs::file_size(b)) return false;
  return fs::file_size(a) > (uint64_t{100} << 20) || read_file(a) == read_file(b);
}

TEST_P(HostileStore, ModelOpensAndTheStoreIsNamed) {
  const Entry& e = GetParam();
  SCOPED_TRACE(e.id + " (" + e.what + "): " + e.names);
  LoadedModel loaded;
  ASSERT_NO_THROW(loaded = load_model(e.path, "cpu")) << "a bad store stopped the model opening";
  if (e.outcome == "ok") {
    EXPECT_EQ(loaded.analysis_path, e.names);
    EXPECT_TRUE(loaded.warnings.empty()) << loaded.warnings.front();
    EXPECT_EQ(loaded.info.attributes.count("Smiling"), 1u);
    return;
  }
  EXPECT_TRUE(loaded.analysis_path.empty());
  EXPECT_EQ(loaded.info.attributes.count("Smiling"), 0u) << "a bad store was applied";
  EXPECT_FALSE(loaded.info.gmm);
  ASSERT_EQ(loaded.warnings.size(), 1u);
  const std::string& w = loaded.warnings[0];
  EXPECT_NE(w.find(e.names), std::string::npos) << "the warning does not name the store: " << w;
  EXPECT_TRUE(test::holds_one_of(w, e.expect)) << "none of the expected words: " << w;
  EXPECT_EQ(w.find('\n'), std::string::npos) << w;
}

TEST_P(HostileStore, StoringAgainKeepsTheBadStoreAside) {
  const Entry& e = GetParam();
  SCOPED_TRACE(e.id + " (" + e.what + ")");
  TempDir dir;
  const std::string model = copy_entry(e, dir);
  const std::string store = model + ".latentlab";
  const std::string log = dir.file("log.");
  test::ChildProcess child({LATENTLAB_CLI, "bind", model, "fashion-mnist:test"}, dir.path(),
                           log + "stdout", log + "stderr");
  const int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  const auto err = test::lines_of(test::slurp(log + "stderr"));
  ASSERT_EQ(WEXITSTATUS(status), 0) << (err.empty() ? "" : err.back());
  if (e.outcome == "warning") {
    ASSERT_GE(err.size(), 2u);
    EXPECT_EQ(err[0].rfind("latentlab-cli: warning: " + store, 0), 0u) << err[0];
    EXPECT_EQ(err[1], "note: the store that did not apply was renamed to " + store + ".bak");
    EXPECT_TRUE(same_content(store + ".bak", fs::path(e.path).string() + ".latentlab"))
        << "the bad store was not kept as it was";
  }
  const auto reopened = load_model(model, "cpu");
  EXPECT_EQ(reopened.analysis_path, store);
  EXPECT_TRUE(reopened.warnings.empty());
  EXPECT_EQ(reopened.info.datasets.front(), "fashion-mnist:test");
  EXPECT_EQ(reopened.info.attributes.count("Smiling"), e.outcome == "ok" ? 1u : 0u);
}

INSTANTIATE_TEST_SUITE_P(store, HostileStore, ::testing::ValuesIn(test::entries("store")),
                         test::entry_name);

}  // namespace
