#pragma once
// The settings of a training run: defaults by image shape, and how a checkpoint stores them so
// that --resume continues the same run.
#include <nlohmann/json.hpp>
#include <string>

#include "core/model/model_info.h"
#include "core/training/train_options.h"

namespace latentlab {

// The options with every default filled in for images of this shape (architecture, widths,
// latent size, learning rate, output range). Throws InputError for options that cannot work.
TrainOptions with_defaults(TrainOptions options, const ImageShape& shape);

// The training settings (kind, architecture, seed, batch size, learning rate, beta, likelihood)
// as stored in a checkpoint, and back.
nlohmann::json train_settings_to_json(const TrainOptions& options);
TrainOptions train_settings_from_json(const nlohmann::json& j);

// What --resume will continue: the stored settings, the model's image shape and range, and the
// epochs done. Throws CheckpointError if the file has no training state (e.g. saved --half).
struct TrainState {
  TrainOptions settings;
  ImageShape image_shape;
  OutputRange output_range;
  int64_t epochs_done = 0;
};
TrainState read_train_state(const std::string& path);
// The same, read by rank 0 and shared with every rank: on several hosts only rank 0 has the file.
TrainState read_train_state(const std::string& path, Communicator& group);

}  // namespace latentlab
