#pragma once
// Which images each process trains on at every step, and the random streams of an epoch.
//
// Epoch e shuffles the images with a generator seeded from (seed, e); step s takes the global
// batch order[s*G, (s+1)*G) (the remainder of the epoch is left out). Rank r of W trains on the
// positions r, r+W, r+2W, ... of that batch, the way PyTorch's DistributedSampler deals out an
// epoch, so the ranks' shards are disjoint and together are exactly the batch one process would
// train on. The noise of a step (VAE reparameterisation, GAN latents) is drawn for the whole
// global batch and each rank keeps its rows. A run is therefore the same function of the seed and
// the global batch on one process or many (up to float summation order), and a resume may change
// the number of processes.
#include <torch/types.h>

#include <cstdint>

namespace latentlab {

// The one scheme deriving the shuffle and noise generators; stored in checkpoints so a future
// change is noticed on resume.
extern const char* const kRngScheme;

class BatchPlan {
 public:
  // Throws InputError when the global batch cannot give every rank at least one image.
  BatchPlan(int64_t images, int64_t global_batch, int rank, int world_size);

  int64_t steps() const { return steps_; }  // per epoch
  int64_t global_batch() const { return global_batch_; }
  int64_t local_batch() const { return rows_.size(0); }
  // Scales this rank's mean loss so that averaging the ranks' gradients gives the gradient of
  // the global batch's mean loss, also when the batch does not divide evenly over the ranks.
  double gradient_weight() const;

  void start_epoch(int64_t seed, int64_t epoch);
  // This rank's image indices at step s of the current epoch.
  torch::Tensor indices(int64_t step) const;
  // This rank's rows of the next step's standard-normal noise [global batch, columns].
  torch::Tensor noise(int64_t columns);

 private:
  int64_t images_;
  int64_t global_batch_;
  int64_t steps_;
  int world_size_;
  torch::Tensor rows_;   // this rank's positions in the global batch
  torch::Tensor order_;  // the current epoch's permutation
  torch::Generator noise_generator_;
};

}  // namespace latentlab
