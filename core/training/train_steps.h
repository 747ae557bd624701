#pragma once
// One optimisation step of each trainable model kind (the built-in conv VAE and DCGAN), with its
// optimizers, and the untrained models a run starts from.
#include <torch/types.h>

#include <map>
#include <memory>
#include <string>

#include "core/model/native_model.h"
#include "core/training/train_options.h"

namespace latentlab {

class TrainStep {
 public:
  virtual ~TrainStep() = default;
  // One step on this rank's images x [n, C, H, W] with their attributes [n, A] (+1 / -1; undefined
  // when the run is not guided) and this rank's rows of standard-normal noise [n, latent]. The
  // loss is scaled by `weight` (BatchPlan::gradient_weight) before backward, whose gradients the
  // group averages over the ranks. Returns the mean losses of x by name.
  virtual std::map<std::string, double> run(const torch::Tensor& x, const torch::Tensor& attributes,
                                            const torch::Tensor& noise, double weight) = 0;
  // The optimizer state as named tensors ("train/..."), for the checkpoint.
  virtual void save_state(std::map<std::string, torch::Tensor>& out) = 0;
  virtual void restore_state(const std::map<std::string, torch::Tensor>& in,
                             const std::string& path) = 0;
};

// The learning rate of step number `done` + 1 under a linear warm-up over `warmup` steps:
// lr (done + 1) / warmup until it reaches lr.
double warmed_up_lr(double lr, int64_t done, int64_t warmup);

// An untrained network for the settings (with every default filled in) and image shape, with
// DCGAN's initialisation for a GAN. Draws from the global generator: seed it first.
std::shared_ptr<NativeModel> build_model(const TrainOptions& settings, const ImageShape& shape);

// The step for the model's kind; its gradients are averaged over `group`.
std::unique_ptr<TrainStep> make_step(NativeModel& model, const TrainOptions& settings,
                                     Communicator& group);

}  // namespace latentlab
