#pragma once
// GAN inversion: find latents whose generated images match given images, by Adam on the pixel
// mean squared error (optionally plus a prior term that keeps z typical).
//
// Gradients must flow through the generator, while Model::decode runs under InferenceMode; so
// inversion drives the generator network of a built-in DCGAN (GanModel) directly, with autograd
// on, asking for gradients of z only (the weights stay untouched and get no .grad). TorchScript
// GANs are refused with InputError until the Model interface grows a differentiable decode.
#include <torch/types.h>

#include <functional>

#include "core/model/model.h"

namespace latentlab {

struct InversionOptions {
  int64_t steps = 300;
  double learning_rate = 0.05;
  // Adds prior_weight * mean(z^2) to each image's loss: pulls z towards the prior's typical set.
  double prior_weight = 0.0;
  // Random starts per image, optimised together as one batch; the best final fit is kept.
  int64_t restarts = 1;
  uint64_t seed = 0;  // the random starts
  // After each step: (step done, steps, mean loss of the best starts); false cancels (Cancelled).
  std::function<bool(int64_t, int64_t, double)> progress;
};

struct Inversion {
  torch::Tensor latents;  // [N, D] float32 on the CPU
  torch::Tensor images;   // [N, C, H, W] float32 on the CPU, generated from latents
  torch::Tensor errors;   // [N] float32 pixel mean squared error of each fit
};

// Whether invert() supports the model (a built-in GAN).
bool can_invert(const Model& model);

// images [N, C, H, W] (or one [C, H, W]) in the model's output range. Throws InputError for a
// model that cannot be inverted, images of the wrong shape or bad options, Cancelled if asked.
// Must not run inside torch::InferenceMode.
Inversion invert(Model& model, const torch::Tensor& images, const InversionOptions& options = {});

}  // namespace latentlab
