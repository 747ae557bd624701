#pragma once
// Folder core/training/ (LibTorch only). Training the native models: the trainer with resumable,
// seeded, atomically written checkpoints (this file) and the VAE losses and evaluation bounds
// (vae_loss.h).
//
// Training a built-in VAE or DCGAN on images held in one tensor, with a checkpoint written
// atomically after every epoch that a later run can resume exactly.
//
// Determinism: the initial weights come from torch::manual_seed(seed); the shuffle order and the
// noise (VAE reparameterisation, GAN latents) of epoch e come from CPU generators seeded from
// (seed, e), so nothing but the weights, the Adam state and the epoch counter has to be saved.
// Two runs with the same seed and data give bit-identical weights on the same machine with the
// same thread count, and E epochs followed by --resume to E' equal one run of E' epochs.
#include <torch/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/common/types.h"
#include "core/model/model_info.h"
#include "core/training/vae_loss.h"

namespace latentlab {

struct TrainProgress {
  int64_t epoch = 0;   // 1-based epoch being trained
  int64_t epochs = 0;  // last epoch of the run
  int64_t step = 0;    // steps done in this epoch
  int64_t steps_per_epoch = 0;
  int64_t batch_size = 0;
  double images_per_second = 0.0;        // over this run so far
  double eta_seconds = 0.0;              // to the end of the run
  std::map<std::string, double> losses;  // means over this epoch so far
  bool epoch_done = false;               // set once per epoch, after its checkpoint is written
};

struct TrainOptions {
  ModelKind kind = ModelKind::Vae;
  int64_t epochs = 10;
  int64_t batch_size = 128;
  double lr = 0.0;         // 0: 1e-3 for a VAE, 2e-4 for a GAN
  int64_t latent_dim = 0;  // 0: the architecture's default
  // VAE: "auto" (by image size), "course" (channels 16,32, no hidden layer: the classic course
  // model, latent 2) or "deep" (32,64,128,256, hidden 256, batch norm, latent 64; needs sizes
  // divisible by 16). GAN: "auto" or "dcgan" (widths 64, latent 100).
  std::string arch = "auto";
  std::vector<int64_t> channels;            // VAE: empty = the architecture's
  int64_t hidden = -1;                      // VAE: < 0 = the architecture's
  std::optional<bool> batch_norm;           // VAE: unset = the architecture's
  int64_t generator_width = 0;              // GAN: 0 = 64
  int64_t discriminator_width = 0;          // GAN: 0 = 64
  double beta = 1.0;                        // VAE: weight of the KL term
  Likelihood likelihood;                    // VAE decoder distribution (Bernoulli needs [0, 1])
  std::optional<OutputRange> output_range;  // unset: [0, 1] for a VAE, [-1, 1] for a GAN
  int64_t seed = 0;

  std::string out;              // checkpoint path, rewritten after every epoch
  bool resume = false;          // continue the run stored in `out` up to `epochs`
  bool half_precision = false;  // final file: float16 weights and no training state (not resumable)
  int threads = 0;              // intra-op threads for this run (0: as configured, see device.h)
  std::string device = "cpu";

  // What the checkpoint records about the run.
  std::string name;
  std::string command;
  std::string data;                 // data set spec
  std::vector<std::string> labels;  // class names of the data

  std::function<void(const TrainProgress&)> progress;  // called after every step
  const std::atomic<bool>* cancel = nullptr;           // set: stop with Cancelled at the next step
};

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

struct TrainResult {
  ModelInfo info;  // as written to options.out
  int64_t epochs_done = 0;
  double seconds = 0.0;  // of this run
  double images_per_second = 0.0;
};

// Trains on images [N, C, H, W] (float32, values in the model's output range) and writes the
// checkpoint after every epoch. With resume the settings stored in options.out are used and
// only epochs, threads, device, command and the callbacks come from options.
// Throws InputError for bad options or images, Cancelled when options.cancel is set.
TrainResult train(const torch::Tensor& images, const TrainOptions& options);

}  // namespace latentlab
