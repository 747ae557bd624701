#include "core/io/user_dirs.h"

#include <cstdlib>
#include <filesystem>

namespace latentlab {
namespace {

namespace fs = std::filesystem;

std::string from_env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : "";
}

// $XDG_VAR/latentlab, else ~/HOME_PART/latentlab, else a folder in /tmp (no home at all: a
// service account), so callers always get a path to try.
std::string xdg_dir(const char* variable, const char* home_part, const char* temp_name) {
  // The XDG specification ignores relative paths in these variables.
  if (const auto xdg = from_env(variable); !xdg.empty() && fs::path(xdg).is_absolute())
    return (fs::path(xdg) / "latentlab").string();
  if (const auto home = from_env("HOME"); !home.empty())
    return (fs::path(home) / home_part / "latentlab").string();
  return (fs::temp_directory_path() / temp_name).string();
}

}  // namespace

std::string user_cache_dir() {
  if (auto dir = from_env("LATENTLAB_CACHE_DIR"); !dir.empty()) return dir;
  return xdg_dir("XDG_CACHE_HOME", ".cache", "latentlab-cache");
}

std::string user_data_dir() { return xdg_dir("XDG_DATA_HOME", ".local/share", "latentlab-data"); }

}  // namespace latentlab
