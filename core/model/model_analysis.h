#pragma once
// Where a model's analysis lives, for every model format (the store's format is in
// core/model/analysis_store.h):
// - a LatentLab checkpoint keeps its analysis inside itself, as it always has;
// - any other model (a TorchScript module) gets MODEL.latentlab beside it: the model's bytes are
//   never touched;
// - when the model's folder cannot be written (an installed model, a read-only share), the store
//   goes to the per-user folder, $XDG_DATA_HOME/latentlab/analysis/SHA256.latentlab, named by the
//   model's content hash so that it follows the bytes wherever the file is.
// Opening a model lays the store found for it over its own metadata: the per-user store of its
// hash first (written last, it holds everything), else the store beside it. A store made for other
// bytes (the model was retrained or replaced) or one that cannot be read is not applied, and the
// user is told why; the model opens all the same.
#include <string>
#include <vector>

#include "core/model/model_file.h"

namespace latentlab {

std::string store_path_beside(const std::string& model_path);  // MODEL.latentlab
std::string store_path_for_user(const std::string& sha256);    // see above

// Called by load_model: lays the store found for loaded.path over loaded.info and sets
// analysis_path, or adds a line to warnings naming the store and what is wrong with it. Hashes
// the model file only when a store may exist for it. Never throws for a bad store.
void apply_analysis_store(LoadedModel& loaded);

// Binds a data set (a spec with absolute paths) to the model: it moves to the front of
// info.datasets, the default of --data and of the latent map.
void bind_dataset(ModelInfo& info, const std::string& spec);

struct SavedAnalysis {
  std::string path;                // where the analysis went: the checkpoint or a store
  std::vector<std::string> notes;  // what the user should know: a fallback, a store set aside
};

// Stores info's analysis (attributes, GMM, bound data sets) for the model opened as `loaded`:
// in the checkpoint itself for a LatentLab checkpoint, else in the store beside the model, else
// (the folder cannot be written) in the per-user store. A store beside the model that was not
// applied because it is unreadable or made for other bytes is first renamed to STORE.bak (then
// .bak2, ...), never overwritten. Throws CheckpointError when the model file changed since it
// was opened, and WriteError naming every place tried when none can be written. On success
// `loaded` describes the file as it now is (info, analysis_path, and the stamp and hash of a
// rewritten checkpoint), so the analysis can be stored again.
SavedAnalysis save_analysis(LoadedModel& loaded, const ModelInfo& info);

}  // namespace latentlab
