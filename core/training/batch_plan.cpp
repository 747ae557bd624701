#include "core/training/batch_plan.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/common/splitmix64.h"

namespace latentlab {

const char* const kRngScheme = "splitmix64(seed, epoch, stream) v1";

namespace {

constexpr uint64_t kShuffleStream = 1;
constexpr uint64_t kNoiseStream = 2;

torch::Generator epoch_generator(int64_t seed, int64_t epoch, uint64_t stream) {
  const uint64_t s = splitmix64(splitmix64(splitmix64(uint64_t(seed)) ^ uint64_t(epoch)) ^ stream);
  return at::make_generator<at::CPUGeneratorImpl>(s);
}

}  // namespace

BatchPlan::BatchPlan(int64_t images, int64_t global_batch, int rank, int world_size)
    : images_(images),
      global_batch_(std::min(global_batch, images)),
      steps_(images / std::max<int64_t>(global_batch_, 1)),
      world_size_(world_size) {
  if (global_batch_ < world_size)
    throw InputError("a batch of " + std::to_string(global_batch_) +
                     " images cannot be shared by " + std::to_string(world_size) +
                     " processes: every process needs at least one image per step");
  rows_ = torch::arange(rank, global_batch_, world_size, torch::kLong);
}

double BatchPlan::gradient_weight() const {
  return double(local_batch() * world_size_) / double(global_batch_);
}

void BatchPlan::start_epoch(int64_t seed, int64_t epoch) {
  auto shuffle = epoch_generator(seed, epoch, kShuffleStream);
  order_ = torch::randperm(images_, shuffle, torch::kLong);
  noise_generator_ = epoch_generator(seed, epoch, kNoiseStream);
}

torch::Tensor BatchPlan::indices(int64_t step) const {
  const auto batch = order_.narrow(0, step * global_batch_, global_batch_);
  return world_size_ == 1 ? batch : batch.index_select(0, rows_);
}

torch::Tensor BatchPlan::noise(int64_t columns) {
  const auto all = torch::randn({global_batch_, columns}, noise_generator_, torch::kFloat32);
  return world_size_ == 1 ? all : all.index_select(0, rows_);
}

}  // namespace latentlab
