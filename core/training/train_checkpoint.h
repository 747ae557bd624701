#pragma once
// Where a run starts (a fresh model, or the checkpoint it resumes) and what every finished epoch
// writes. Only rank 0 reads and writes the file; the other ranks get what they need from it.
#include <torch/types.h>

#include <map>
#include <memory>
#include <string>

#include "core/model/model_info.h"
#include "core/model/native_model.h"
#include "core/training/train_options.h"
#include "core/training/train_steps.h"

namespace latentlab {

struct RunStart {
  TrainOptions settings;  // every default filled in (fresh run) or as stored (resume)
  ImageShape image_shape;
  std::shared_ptr<NativeModel> model;  // on the CPU
  ModelInfo info;                      // what the checkpoint records (rank 0 only)
  int64_t first_epoch = 1;
  bool resumed = false;
  std::map<std::string, torch::Tensor> stored_state;  // rank 0 resuming: the file's extra tensors
};

// Rank 0 builds a fresh model for images of `shape` from `given`, or reads given.out to resume;
// the other ranks build the same architecture from the settings rank 0 shares (their weights and
// optimizer state are then replaced by rank 0's). Throws on every rank when rank 0 cannot start.
RunStart start_run(const ImageShape& shape, const TrainOptions& given, Communicator& group);

struct EpochSummary {
  int64_t epoch = 0;
  int64_t steps = 0;  // optimizer steps per epoch
  double seconds = 0.0;
  double images_per_second = 0.0;       // all processes together
  std::map<std::string, double> means;  // the epoch's mean losses over all processes
  double train_seconds = 0.0;           // of the whole training, earlier runs included
  int processes = 1;
};

// Writes the checkpoint of a finished epoch atomically (rank 0 only): the epoch's record in the
// loss history and the provenance, and, unless it is the final --half release, the optimizer
// state and what --resume needs. Updates `info` as written.
void save_epoch(const TrainOptions& settings, NativeModel& model, ModelInfo& info, TrainStep& step,
                const EpochSummary& epoch);

}  // namespace latentlab
