#pragma once
// The analysis store: what LatentLab works out about a model (attribute vectors, from labels or
// user-defined, a GMM, the bound data sets) kept in a file of its own, so a TorchScript module
// gets every analysis a LatentLab checkpoint gets without a byte of it changing.
//
// Where (core/model/model_analysis.h finds and chooses the place):
//   MODEL.latentlab beside the model (vae.pt -> vae.pt.latentlab), or, when the model's folder is
//   not writable, $XDG_DATA_HOME/latentlab/analysis/SHA256.latentlab (default
//   ~/.local/share/latentlab/analysis/), named by the model's SHA-256.
//
// Container: the checkpoint container of core/io/checkpoint_file.h (magic "LLCKPT01", a JSON
// header, then the tensors, CRC-32 checked), with
//   meta = {"format": "latentlab-analysis", "version": 1,
//           "model": {"file": "vae.pt",          relative to the store's folder (absolute in the
//                                                per-user folder); for people, never for lookup
//                     "sha256": "64 hex digits",  of the model file's bytes: the store applies only
//                                                to exactly those bytes
//                     "bytes": 123456},
//           "attributes": {"Smiling": {"method": "mean-diff" | "linear" | "user",
//                                      "source": "celeba:faces", "accuracy": 0.93}},   accuracy
//                                                                                    optional
//           "gmm": {"covariance_type": "full" | "diag" | "spherical", "components": K},  optional
//           "datasets": ["faces:seed=1,count=20000", "folder:data/shoes"]}  most recent first;
//                                                paths relative to the store's folder or absolute
//   tensors (float32): "attribute/NAME" [D] per attribute, "gmm/weights" [K], "gmm/means" [K, D],
//                      "gmm/covariances" [K, D, D] (full matrices whatever the type).
// Readers refuse a newer version, and check every size against the model's latent size and every
// value for NaN/Inf, so a corrupt, truncated or lying store is reported, never applied.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/model_info.h"

namespace latentlab {

// The part of ModelInfo an analysis store holds.
struct ModelAnalysis {
  std::map<std::string, AttributeVector> attributes;
  std::optional<GaussianMixture> gmm;
  std::vector<std::string> datasets;  // specs with absolute paths

  bool empty() const { return attributes.empty() && !gmm && datasets.empty(); }
};

ModelAnalysis analysis_of(const ModelInfo& info);
// Lays a store's analysis over info: its attributes replace those of the same name, its GMM the
// model's own, and its data sets come first.
void apply_analysis(ModelInfo& info, const ModelAnalysis& analysis);

struct AnalysisStore {
  std::string model_file;    // as recorded: relative to the store's folder, or absolute
  std::string model_sha256;  // 64 lowercase hex digits
  uint64_t model_bytes = 0;
  ModelAnalysis analysis;
};

constexpr const char* kAnalysisStoreExtension = ".latentlab";

// The file's bytes; data set paths are written relative to store_dir where they lie inside it.
std::string serialize_analysis_store(const AnalysisStore& store, const std::string& store_dir);
// Parses and checks a store against the model's latent size; data set paths come back resolved
// against the store's folder. Throws CheckpointError "PATH: what is wrong".
AnalysisStore parse_analysis_store(const std::string& bytes, const std::string& path,
                                   int64_t latent_dim);

// Checked read (refusing files over kMaxAnalysisStoreBytes) and atomic write.
AnalysisStore read_analysis_store(const std::string& path, int64_t latent_dim);
void write_analysis_store(const std::string& path, const AnalysisStore& store);
constexpr uint64_t kMaxAnalysisStoreBytes = uint64_t{1} << 30;

}  // namespace latentlab
