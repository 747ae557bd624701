#include "core/model/analysis_store.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "core/common/error.h"
#include "core/data/dataset_spec_paths.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint_file.h"
#include "core/model/stored_tensors.h"

namespace latentlab {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStoreFormat = "latentlab-analysis";
constexpr int kStoreFormatVersion = 1;
constexpr const char* kAttributePrefix = "attribute/";

bool is_sha256(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

void read_model_reference(const nlohmann::json& model, AnalysisStore& store,
                          const std::string& path) {
  store.model_file = model.at("file").get<std::string>();
  store.model_sha256 = model.at("sha256").get<std::string>();
  store.model_bytes = model.at("bytes").get<uint64_t>();
  if (!is_sha256(store.model_sha256))
    fail<CheckpointError>(path, "the model's sha256 is not 64 lowercase hex digits");
}

void read_attributes(const nlohmann::json& meta, const CheckpointFile& file, int64_t latent_dim,
                     ModelAnalysis& analysis, const std::string& path) {
  // Kept in a variable: items() refers to it and would dangle on a temporary.
  const auto attributes = meta.value("attributes", nlohmann::json::object());
  for (const auto& [name, a] : attributes.items()) {
    AttributeVector v;
    v.method = a.value("method", "");
    v.source = a.value("source", "");
    if (a.contains("accuracy")) v.accuracy = a.at("accuracy").get<double>();
    v.direction = values_of(file, kAttributePrefix + name, {latent_dim}, path);
    check_attribute(name, v, latent_dim);
    analysis.attributes[name] = std::move(v);
  }
}

// Every tensor must belong to an attribute or the GMM the metadata names: anything else means the
// header and the data disagree.
void check_no_stray_tensors(const CheckpointFile& file, const ModelAnalysis& analysis,
                            const std::string& path) {
  for (const auto& [name, tensor] : file.tensors) {
    const bool attribute = name.rfind(kAttributePrefix, 0) == 0 &&
                           analysis.attributes.count(name.substr(std::strlen(kAttributePrefix)));
    const bool gmm = analysis.gmm && is_gmm_tensor(name);
    if (!attribute && !gmm)
      fail<CheckpointError>(path, "tensor '" + name + "' is not named in the metadata");
  }
}

}  // namespace

ModelAnalysis analysis_of(const ModelInfo& info) {
  return {info.attributes, info.gmm, info.datasets};
}

void apply_analysis(ModelInfo& info, const ModelAnalysis& analysis) {
  for (const auto& [name, a] : analysis.attributes) info.attributes[name] = a;
  if (analysis.gmm) info.gmm = analysis.gmm;
  std::vector<std::string> datasets = analysis.datasets;
  for (const auto& spec : info.datasets)
    if (std::find(datasets.begin(), datasets.end(), spec) == datasets.end())
      datasets.push_back(spec);
  if (datasets.size() > kMaxDatasets) datasets.resize(kMaxDatasets);
  info.datasets = std::move(datasets);
}

std::string serialize_analysis_store(const AnalysisStore& store, const std::string& store_dir) {
  CheckpointFile file;
  const auto& a = store.analysis;
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, v] : a.attributes) {
    attributes[name] = {{"method", v.method}, {"source", v.source}};
    if (v.accuracy) attributes[name]["accuracy"] = *v.accuracy;
    file.tensors[kAttributePrefix + name] =
        tensor_of(v.direction, {static_cast<int64_t>(v.direction.size())});
  }
  nlohmann::json datasets = nlohmann::json::array();
  for (const auto& spec : a.datasets) datasets.push_back(relative_dataset_spec(spec, store_dir));
  file.meta = {
      {"format", kStoreFormat},
      {"version", kStoreFormatVersion},
      {"model",
       {{"file", store.model_file}, {"sha256", store.model_sha256}, {"bytes", store.model_bytes}}},
      {"attributes", attributes},
      {"datasets", datasets}};
  if (a.gmm) file.meta["gmm"] = store_gmm(*a.gmm, file);
  return serialize_checkpoint(file);
}

AnalysisStore parse_analysis_store(const std::string& bytes, const std::string& path,
                                   int64_t latent_dim) {
  const CheckpointFile file = parse_checkpoint(bytes, path);
  AnalysisStore store;
  try {
    const auto& meta = file.meta;
    if (meta.value("format", "") != kStoreFormat)
      fail<CheckpointError>(path, "not a LatentLab analysis store (its format is not \"" +
                                      std::string(kStoreFormat) + "\")");
    const int version = meta.at("version").get<int>();
    if (version > kStoreFormatVersion)
      fail<CheckpointError>(path, "written by a newer LatentLab (analysis store version " +
                                      std::to_string(version) + ")");
    read_model_reference(meta.at("model"), store, path);
    read_attributes(meta, file, latent_dim, store.analysis, path);
    if (meta.contains("gmm")) store.analysis.gmm = read_gmm(meta.at("gmm"), file, latent_dim, path);
    check_no_stray_tensors(file, store.analysis, path);
    const auto specs = meta.value("datasets", std::vector<std::string>{});
    check_datasets(specs);
    for (const auto& spec : specs)
      store.analysis.datasets.push_back(resolve_dataset_spec(spec, folder_of(path)));
  } catch (const nlohmann::json::exception& e) {
    fail<CheckpointError>(path, std::string("bad metadata: ") + e.what());
  } catch (const InputError& e) {
    fail<CheckpointError>(path, e.what());
  }
  return store;
}

AnalysisStore read_analysis_store(const std::string& path, int64_t latent_dim) {
  std::error_code ec;
  // Named like every other refusal of a store ("PATH: what"), not as read_file quotes paths.
  if (fs::is_directory(path, ec)) fail<CheckpointError>(path, "is a folder, not a file");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxAnalysisStoreBytes)
    fail<CheckpointError>(path,
                          "too large for an analysis store (" + std::to_string(size) + " bytes)");
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    throw CheckpointError(e.what());
  }
  return parse_analysis_store(bytes, path, latent_dim);
}

void write_analysis_store(const std::string& path, const AnalysisStore& store) {
  write_file_atomically(path, serialize_analysis_store(store, folder_of(path)));
}

}  // namespace latentlab
