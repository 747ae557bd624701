#pragma once
// Opening and saving model files: LatentLab checkpoints and TorchScript modules.
#include <torch/types.h>

#include <map>
#include <memory>
#include <string>

#include "core/model/model.h"
#include "core/model/model_info.h"

namespace latentlab {

class NativeModel;

struct LoadedModel {
  std::shared_ptr<Model> model;
  ModelInfo info;
  std::string path;
};

// Opens a checkpoint or TorchScript file (told apart by its first bytes) on the device.
// Throws CheckpointError "PATH: what is wrong" for a missing, truncated or corrupt file, an
// unknown architecture, or metadata that disagrees with the weights.
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

// Replaces the analysis stored in a checkpoint (attributes, GMM, name, provenance) and keeps its
// weights, atomically. Only for LatentLab checkpoints.
void update_checkpoint_info(const std::string& path, const ModelInfo& info);

}  // namespace latentlab
