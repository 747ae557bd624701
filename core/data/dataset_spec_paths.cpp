#include "core/data/dataset_spec_paths.h"

#include <filesystem>
#include <functional>

namespace latentlab {
namespace {

namespace fs = std::filesystem;

using PathMap = std::function<std::string(const std::string&)>;

fs::path under(const std::string& base_dir, const std::string& path) {
  return base_dir.empty() || fs::path(path).is_absolute() ? fs::path(path)
                                                          : fs::path(base_dir) / path;
}

// Applies map to each path of spec, using base_dir to find the split of an idx pair.
std::string map_paths(const std::string& spec, const std::string& base_dir, const PathMap& map) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) return spec;
  const std::string kind = spec.substr(0, colon);
  const std::string rest = spec.substr(colon + 1);
  if (rest.empty()) return spec;
  if (kind == "folder" || kind == "celeba") return kind + ":" + map(rest);
  if (kind != "idx") return spec;
  const auto [images, labels] = split_idx_paths(rest, base_dir);
  return "idx:" + map(images) + (labels.empty() ? "" : ":" + map(labels));
}

}  // namespace

std::pair<std::string, std::string> split_idx_paths(const std::string& rest,
                                                    const std::string& base_dir) {
  std::error_code ec;
  if (fs::is_regular_file(under(base_dir, rest), ec)) return {rest, ""};
  for (size_t colon = rest.find(':'); colon != std::string::npos; colon = rest.find(':', colon + 1))
    if (fs::is_regular_file(under(base_dir, rest.substr(0, colon)), ec))
      return {rest.substr(0, colon), rest.substr(colon + 1)};
  const size_t colon = rest.find(':');
  if (colon == std::string::npos) return {rest, ""};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

std::string resolve_dataset_spec(const std::string& spec, const std::string& base_dir) {
  return map_paths(spec, base_dir, [&base_dir](const std::string& path) {
    return under(base_dir, path).lexically_normal().string();
  });
}

std::string relative_dataset_spec(const std::string& spec, const std::string& base_dir) {
  const fs::path base = fs::path(base_dir).lexically_normal();
  return map_paths(spec, base_dir, [&base](const std::string& path) {
    const fs::path p(path);
    if (!p.is_absolute()) return path;
    const fs::path relative = p.lexically_normal().lexically_relative(base);
    const bool inside = !relative.empty() && *relative.begin() != "..";
    return inside ? relative.string() : path;
  });
}

std::string folder_of(const std::string& file_path) {
  const auto parent = std::filesystem::path(file_path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace latentlab
