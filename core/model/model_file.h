#pragma once
// Opening and saving model files: LatentLab checkpoints and TorchScript modules.
#include <torch/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model/model.h"
#include "core/model/model_info.h"

namespace latentlab {

struct CheckpointFile;

class NativeModel;

// A model file's size and modification time when it was opened: analysis is only stored for the
// bytes it was computed with.
struct FileStamp {
  uint64_t bytes = 0;
  int64_t modified_ns = 0;
  bool operator==(const FileStamp& o) const {
    return bytes == o.bytes && modified_ns == o.modified_ns;
  }
};
FileStamp stamp_of(const std::string& path);  // {} when the file cannot be examined

struct LoadedModel {
  std::shared_ptr<Model> model;
  ModelInfo info;  // the file's own metadata with its analysis store laid over it
  std::string path;
  FileStamp stamp;
  // The analysis store applied to info ("" when none), and what the user must be told about a
  // store that was found but not applied (unreadable, made for other bytes), one line each.
  std::string analysis_path;
  std::vector<std::string> warnings;
  std::string sha256;  // of the model file, when finding its store needed it ("" otherwise)
};

// Opens a checkpoint or TorchScript file (told apart by its first bytes) on the device, and lays
// its analysis store over its metadata (core/model/model_analysis.h). Throws CheckpointError
// "PATH: what is wrong" for a missing, truncated or corrupt file, an unknown architecture, or
// metadata that disagrees with the weights; a bad analysis store only adds a warning.
LoadedModel load_model(const std::string& path, const std::string& device = "cpu");

struct SaveOptions {
  bool half_precision = false;  // store float weights as float16 (loading restores float32)
  // Anything else to keep in the file, e.g. the trainer's optimizer state ("train/...").
  std::map<std::string, torch::Tensor> extra_tensors;
  nlohmann::json extra_meta = nlohmann::json::object();
};

// Writes a checkpoint atomically. info's architecture fields are taken from the model.
void save_checkpoint(const std::string& path, NativeModel& model, ModelInfo info,
                     const SaveOptions& options = {});

// Reads the extra tensors and metadata saved by SaveOptions (for resuming training).
struct CheckpointExtras {
  std::map<std::string, torch::Tensor> tensors;
  nlohmann::json meta = nlohmann::json::object();
};
CheckpointExtras read_checkpoint_extras(const std::string& path);

// The model metadata of a checkpoint already read, checked; CheckpointError naming `path`.
ModelInfo checkpoint_info(const CheckpointFile& file, const std::string& path);

// Replaces the analysis stored in a checkpoint (attributes, GMM, bound data sets, name, labels,
// coordinate names, provenance) and keeps its weights, atomically. Only for LatentLab checkpoints;
// other callers go through save_analysis (core/model/model_analysis.h), which picks the place.
void update_checkpoint_info(const std::string& path, const ModelInfo& info);

}  // namespace latentlab
