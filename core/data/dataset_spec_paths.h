#pragma once
// The file paths inside a data set spec (folder:DIR, celeba:DIR, idx:IMAGES[:LABELS]), so that a
// spec bound to a model is resolved against the file that stores it, never the working folder.
// Specs without paths (fashion-mnist, faces:...) pass through unchanged.
#include <string>
#include <utility>

namespace latentlab {

// "IMAGES" or "IMAGES:LABELS" of an idx spec. Paths may hold ':' themselves: the split is made
// where the part before it names an existing file (relative parts looked up under base_dir; "":
// the working folder).
std::pair<std::string, std::string> split_idx_paths(const std::string& rest,
                                                    const std::string& base_dir = "");

// The spec with every relative path made absolute against base_dir.
std::string resolve_dataset_spec(const std::string& spec, const std::string& base_dir);

// The spec with every absolute path inside base_dir made relative to it; paths outside it stay
// absolute (so a data set that moves with the model's folder is still found, and one elsewhere
// is found as long as it stays where it is).
std::string relative_dataset_spec(const std::string& spec, const std::string& base_dir);

// The folder of the file that stores a spec ("." for a bare file name): the base_dir above.
std::string folder_of(const std::string& file_path);

}  // namespace latentlab
