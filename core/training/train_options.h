#pragma once
// What a training run is asked to do, and what it reports while it runs.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/types.h"
#include "core/training/vae_loss.h"

namespace latentlab {

class Communicator;

struct TrainProgress {
  int64_t epoch = 0;   // 1-based epoch being trained
  int64_t epochs = 0;  // last epoch of the run
  int64_t step = 0;    // steps done in this epoch
  int64_t steps_per_epoch = 0;
  int64_t batch_size = 0;                // images per step, over all processes
  double images_per_second = 0.0;        // over this run so far, all processes together
  double eta_seconds = 0.0;              // to the end of the run
  std::map<std::string, double> losses;  // means over this epoch so far, over all processes
  bool epoch_done = false;               // set once per epoch, after its checkpoint is written
};

struct TrainOptions {
  ModelKind kind = ModelKind::Vae;
  int64_t epochs = 10;
  // Images per optimizer step over all processes. With W processes each trains on about
  // batch_size / W of them (PyTorch's DDP counts per process: --batch-size B with --nproc W is
  // a batch_size of B * W here).
  int64_t batch_size = 128;
  double lr = 0.0;         // 0: 1e-3 for a VAE, 2e-4 for a GAN
  int64_t latent_dim = 0;  // 0: the architecture's default
  // VAE: "auto" (by image size), "course" (channels 16,32, no hidden layer: the classic course
  // model, latent 2) or "deep" (32,64,128,256, hidden 256, batch norm, latent 64; needs sizes
  // divisible by 16). GAN: "auto" or "dcgan" (widths 64, latent 100).
  std::string arch = "auto";
  std::vector<int64_t> channels;    // VAE: empty = the architecture's
  int64_t hidden = -1;              // VAE: < 0 = the architecture's
  std::optional<bool> batch_norm;   // VAE: unset = the architecture's
  int64_t generator_width = 0;      // GAN: 0 = 64
  int64_t discriminator_width = 0;  // GAN: 0 = 64
  double beta = 1.0;                // VAE: weight of the KL term
  // VAE: the learning rate rises linearly to lr over this many first steps (0: none). Adam's
  // first steps move every weight by about lr whatever its gradient; a warm-up keeps them from
  // blowing up the posterior variances (KL 1e10 after 5 steps in one faces-vae run).
  int64_t warmup_steps = 0;
  // VAE: weight of guided_attribute_loss (vae_loss.h): the data set's A attributes are read from
  // the first A latent coordinates (0: unsupervised). Needs a data set with attributes.
  double attribute_weight = 0.0;
  Likelihood likelihood;                    // VAE decoder distribution (Bernoulli needs [0, 1])
  std::optional<OutputRange> output_range;  // unset: [0, 1] for a VAE, [-1, 1] for a GAN
  int64_t seed = 0;

  std::string out;              // checkpoint path, rewritten after every epoch (by rank 0)
  bool resume = false;          // continue the run stored in `out` up to `epochs`
  bool half_precision = false;  // final file: float16 weights and no training state (not resumable)
  int threads = 0;              // intra-op threads for this run (0: as configured, see device.h)
  std::string device = "cpu";
  // The data-parallel group this process belongs to (null: train alone). Every rank calls train
  // with its own copy of the images; rank 0 reads and writes the checkpoint and reports progress.
  std::shared_ptr<Communicator> group;

  // What the checkpoint records about the run.
  std::string name;
  std::string command;
  std::string data;                 // data set spec
  std::vector<std::string> labels;  // class names of the data
  // The data's attribute names: a guided run's model names its first coordinates after them.
  std::vector<std::string> attribute_names;

  std::function<void(const TrainProgress&)> progress;  // called after every step (rank 0 only)
  // Set: every rank stops with Cancelled after the step in which any rank saw it set.
  const std::atomic<bool>* cancel = nullptr;
};

}  // namespace latentlab
