#pragma once
// Folder core/training/ (LibTorch only). Training the native models: the trainer with resumable,
// seeded, atomically written checkpoints (this file), one training step of each model
// (train_steps.h), data-parallel training over processes on LibTorch's c10d (communicator.h,
// batch_plan.h) and the VAE losses and evaluation bounds (vae_loss.h).
//
// Training a built-in VAE or DCGAN on images held in one tensor, alone or data parallel over
// several processes (see communicator.h), with a checkpoint written atomically after every epoch
// that a later run can resume exactly.
//
// Determinism: the initial weights come from torch::manual_seed(seed); the shuffle order and the
// noise (VAE reparameterisation, GAN latents) of epoch e come from CPU generators seeded from
// (seed, e) (see batch_plan.h), so nothing but the weights, the Adam state and the epoch counter
// has to be saved. Two runs with the same seed and data give bit-identical weights on the same
// machine with the same thread count, and E epochs followed by --resume to E' equal one run of E'
// epochs. W processes with the same global batch follow the same trajectory as one, up to the
// order of float sums (except for batch norm, whose statistics are per process, as in DDP).
#include <torch/types.h>

#include "core/model/model_info.h"
#include "core/training/train_options.h"
#include "core/training/train_settings.h"

namespace latentlab {

struct TrainResult {
  ModelInfo info;  // as written to options.out (on rank 0; other ranks write nothing)
  int64_t epochs_done = 0;
  double seconds = 0.0;            // of this run
  double images_per_second = 0.0;  // all processes together
};

// Trains on images [N, C, H, W] (float32, values in the model's output range) and writes the
// checkpoint after every epoch. attributes [N, A] (+1 / -1, e.g. load_all_attributes) are needed
// by a run with an attribute weight (a guided VAE) and ignored otherwise. With resume the settings
// stored in options.out are used and only epochs, threads, device, command and the callbacks come
// from options. In a group every rank calls train with its own copy of the same images. Throws
// InputError for bad options or images, Cancelled when options.cancel is set, and DistributedError
// naming the rank that stopped when the group breaks.
TrainResult train(const torch::Tensor& images, const TrainOptions& options,
                  const torch::Tensor& attributes = {});

}  // namespace latentlab
