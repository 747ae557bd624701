#include "core/model/model_analysis.h"

#include <algorithm>
#include <filesystem>

#include "core/common/error.h"
#include "core/io/sha256.h"
#include "core/io/user_dirs.h"
#include "core/model/analysis_store.h"

namespace latentlab {
namespace {

namespace fs = std::filesystem;

fs::path user_store_folder() { return fs::path(user_data_dir()) / "analysis"; }

// Whether any per-user store exists: opening a model without one should not cost a hash.
bool user_stores_exist() {
  std::error_code ec;
  fs::directory_iterator it(user_store_folder(), ec);
  return !ec && it != fs::directory_iterator();
}

std::string short_hash(const std::string& sha256) { return sha256.substr(0, 12); }

// Reads the store at path for the model; the reason it does not apply, or "" when it does.
std::string check_store(const std::string& path, const LoadedModel& loaded, AnalysisStore* out) {
  try {
    AnalysisStore store = read_analysis_store(path, loaded.info.latent_dim);
    if (store.model_sha256 != loaded.sha256)
      return path + ": made for other bytes than " + loaded.path + " has now (SHA-256 " +
             short_hash(store.model_sha256) + "... there, " + short_hash(loaded.sha256) +
             "... here: the model was replaced or retrained)";
    if (out) *out = std::move(store);
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

bool try_apply(LoadedModel& loaded, const std::string& path) {
  AnalysisStore store;
  const std::string problem = check_store(path, loaded, &store);
  if (!problem.empty()) {
    loaded.warnings.push_back(problem + "; its analysis is not applied");
    return false;
  }
  apply_analysis(loaded.info, store.analysis);
  loaded.analysis_path = path;
  return true;
}

// An unapplied store beside the model is renamed, never overwritten: it may be the only copy of
// an analysis the user wants back (for the model version it was made for).
void set_aside(const std::string& path, std::vector<std::string>& notes) {
  for (int n = 1;; ++n) {
    const std::string target = path + ".bak" + (n == 1 ? "" : std::to_string(n));
    std::error_code ec;
    if (fs::exists(target, ec)) continue;
    fs::rename(path, target, ec);
    if (ec) throw WriteError("cannot rename '" + path + "' to '" + target + "': " + ec.message());
    notes.push_back("the store that did not apply was renamed to " + target);
    return;
  }
}

// A store whose analysis was laid over the model and now lives somewhere else is removed, so two
// copies never disagree.
void remove_superseded(const LoadedModel& loaded, const std::string& written,
                       std::vector<std::string>& notes) {
  if (loaded.analysis_path.empty() || loaded.analysis_path == written) return;
  std::error_code ec;
  if (fs::remove(loaded.analysis_path, ec))
    notes.push_back("its analysis is now in " + written + "; removed " + loaded.analysis_path);
}

void check_unchanged(const LoadedModel& loaded) {
  if (!(stamp_of(loaded.path) == loaded.stamp))
    throw CheckpointError(loaded.path +
                          ": changed on disk since it was opened; open it again before storing "
                          "its analysis");
}

// save_analysis without updating loaded.
SavedAnalysis write_analysis(const LoadedModel& loaded, const ModelInfo& info) {
  check_unchanged(loaded);
  SavedAnalysis saved;
  std::vector<std::string> tried;
  if (loaded.info.format == "latentlab") {
    try {
      update_checkpoint_info(loaded.path, info);
      saved.path = loaded.path;
      remove_superseded(loaded, saved.path, saved.notes);
      return saved;
    } catch (const WriteError& e) {
      tried.push_back(e.what());
    }
  }
  LoadedModel hashed = loaded;
  if (hashed.sha256.empty()) hashed.sha256 = sha256_file(loaded.path);
  AnalysisStore store;
  store.model_sha256 = hashed.sha256;
  store.model_bytes = loaded.stamp.bytes;
  store.analysis = analysis_of(info);

  const std::string beside = store_path_beside(loaded.path);
  try {
    std::error_code ec;
    if (fs::exists(beside, ec) && loaded.analysis_path != beside &&
        !check_store(beside, hashed, nullptr).empty())
      set_aside(beside, saved.notes);
    store.model_file = fs::path(loaded.path).filename().string();
    write_analysis_store(beside, store);
    saved.path = beside;
    remove_superseded(loaded, saved.path, saved.notes);
    return saved;
  } catch (const WriteError& e) {
    tried.push_back(e.what());
  }

  const std::string user = store_path_for_user(hashed.sha256);
  store.model_file = fs::absolute(loaded.path).lexically_normal().string();
  try {
    std::error_code ec;
    fs::create_directories(user_store_folder(), ec);
    write_analysis_store(user, store);
  } catch (const WriteError& e) {
    std::string text = "cannot store the analysis of " + loaded.path + " anywhere:";
    for (const auto& t : tried) text += " " + t + ";";
    throw WriteError(text + " " + e.what());
  }
  saved.path = user;
  saved.notes.insert(saved.notes.begin(), "the folder of " + loaded.path + " cannot be written (" +
                                              tried.back() + "): its analysis is stored in " +
                                              user);
  return saved;
}

}  // namespace

std::string store_path_beside(const std::string& model_path) {
  return model_path + kAnalysisStoreExtension;
}

std::string store_path_for_user(const std::string& sha256) {
  return (user_store_folder() / (sha256 + kAnalysisStoreExtension)).string();
}

void apply_analysis_store(LoadedModel& loaded) {
  const std::string beside = store_path_beside(loaded.path);
  std::error_code ec;
  const bool has_beside = fs::exists(beside, ec);
  const bool has_user = user_stores_exist();
  if (!has_beside && !has_user) return;
  try {
    loaded.sha256 = sha256_file(loaded.path);
  } catch (const Error& e) {
    loaded.warnings.push_back(std::string(e.what()) + ": its analysis store was not looked at");
    return;
  }
  const std::string user = store_path_for_user(loaded.sha256);
  if (has_user && fs::exists(user, ec) && try_apply(loaded, user)) return;
  if (has_beside) try_apply(loaded, beside);
}

void bind_dataset(ModelInfo& info, const std::string& spec) {
  auto& specs = info.datasets;
  specs.erase(std::remove(specs.begin(), specs.end(), spec), specs.end());
  specs.insert(specs.begin(), spec);
  if (specs.size() > kMaxDatasets) specs.resize(kMaxDatasets);
}

SavedAnalysis save_analysis(LoadedModel& loaded, const ModelInfo& info) {
  SavedAnalysis saved = write_analysis(loaded, info);
  loaded.info = info;
  if (saved.path == loaded.path) {  // written into the checkpoint itself: new bytes
    loaded.analysis_path.clear();
    loaded.stamp = stamp_of(loaded.path);
    loaded.sha256.clear();
  } else {
    loaded.analysis_path = saved.path;
  }
  return saved;
}

}  // namespace latentlab
