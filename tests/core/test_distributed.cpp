// Data-parallel building blocks. The batch plan deals every global batch out to the ranks in
// disjoint shares whose union is the batch one process trains on; a real group of two (two
// threads of this process, Gloo over loopback, meeting through a FileStore) makes both ranks take
// identical DCGAN steps, generator and discriminator alike, from different data.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <exception>
#include <thread>

#include "core/training/batch_plan.h"
#include "core/training/communicator.h"
#include "core/training/train_settings.h"
#include "core/training/train_steps.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;

namespace {

torch::Tensor sorted(const torch::Tensor& t) { return std::get<0>(t.sort()); }

TrainOptions tiny_gan() {
  TrainOptions o;
  o.kind = ModelKind::Gan;
  o.latent_dim = 4;
  o.generator_width = 4;
  o.discriminator_width = 4;
  return with_defaults(o, ImageShape{1, 28, 28});
}

// The generator and discriminator parameters of a DCGAN after `steps` steps on `images`, as
// this rank of `group` (its rows of each global batch).
std::vector<torch::Tensor> train_gan(Communicator& group, const torch::Tensor& images,
                                     uint64_t init_seed, int steps) {
  const auto o = tiny_gan();
  torch::manual_seed(init_seed);  // each rank starts elsewhere: the broadcast must fix that
  auto model = build_model(o, ImageShape{1, 28, 28});
  model->network().train();
  auto step = make_step(*model, o, group);
  group.broadcast(model->network().parameters());
  BatchPlan plan(images.size(0), /*global_batch=*/8, group.rank(), group.world_size());
  plan.start_epoch(/*seed=*/1, /*epoch=*/1);
  for (int s = 0; s < steps; ++s)
    step->run(images.index_select(0, plan.indices(s)), /*attributes=*/{}, plan.noise(o.latent_dim),
              plan.gradient_weight());
  std::vector<torch::Tensor> params;
  for (const auto& p : model->network().parameters()) params.push_back(p.detach().clone());
  return params;
}

}  // namespace

TEST(BatchPlan, RanksShareEachGlobalBatchDisjointly) {
  const int64_t images = 50, batch = 8;
  const BatchPlan one(images, batch, 0, 1);
  EXPECT_EQ(one.steps(), 6);  // the remainder of 2 images is left out, as by one process
  for (const int world : {2, 3}) {
    BatchPlan alone(images, batch, 0, 1);
    std::vector<BatchPlan> ranks;
    for (int r = 0; r < world; ++r) ranks.emplace_back(images, batch, r, world);
    for (const int64_t epoch : {1, 2}) {
      alone.start_epoch(7, epoch);
      for (auto& plan : ranks) plan.start_epoch(7, epoch);
      for (int64_t s = 0; s < alone.steps(); ++s) {
        std::vector<torch::Tensor> shares, noise;
        for (auto& plan : ranks) {
          shares.push_back(plan.indices(s));
          noise.push_back(plan.noise(3));
        }
        // The same images as one process's batch, each once (that batch has no repeats).
        EXPECT_TRUE(torch::equal(sorted(torch::cat(shares)), sorted(alone.indices(s))));
        // Image j of the batch keeps the noise row it has in one process.
        const auto alone_noise = alone.noise(3);
        for (int r = 0; r < world; ++r)
          EXPECT_TRUE(torch::equal(
              noise[r], alone_noise.index_select(0, torch::arange(r, batch, world, torch::kLong))));
      }
    }
  }
}

TEST(BatchPlan, WeightsMakeTheRanksAverageTheGlobalMeanForUnevenShares) {
  // 7 images per step over 3 ranks: shares of 3, 2 and 2.
  const auto losses = torch::rand({7}, torch::kFloat64);
  double averaged = 0.0;
  for (int r = 0; r < 3; ++r) {
    const BatchPlan plan(7, 7, r, 3);
    const auto mine = losses.index_select(0, torch::arange(r, 7, 3, torch::kLong));
    EXPECT_EQ(plan.local_batch(), r == 0 ? 3 : 2);
    averaged += plan.gradient_weight() * mine.mean().item<double>() / 3.0;  // what DDP averages
  }
  EXPECT_NEAR(averaged, losses.mean().item<double>(), 1e-12);
  EXPECT_DOUBLE_EQ(BatchPlan(64, 32, 1, 2).gradient_weight(), 1.0);
}

TEST(BatchPlan, RefusesABatchSmallerThanTheGroup) {
  try {
    BatchPlan(100, 2, 0, 3);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be shared by 3 processes"), std::string::npos)
        << e.what();
  }
}

TEST(Communicator, AGroupOfOneIsTheIdentity) {
  Communicator alone;
  EXPECT_EQ(alone.world_size(), 1);
  EXPECT_EQ(alone.backend(), "none");
  EXPECT_EQ(alone.share([] { return std::string("x"); }), "x");
  auto t = torch::ones({3});
  alone.all_reduce_sum(t);
  EXPECT_TRUE(torch::equal(t, torch::ones({3})));
  EXPECT_EQ(alone.explain_failure("boom"), "boom");
}

TEST(DataParallel, BothGanStepsSynchroniseTwoRanks) {
  TempDir dir;
  auto g = at::make_generator<at::CPUGeneratorImpl>(3);
  const auto images = torch::rand({16, 1, 28, 28}, g) * 2 - 1;
  constexpr int kSteps = 2;  // a global batch of 8, 4 images per rank

  std::vector<std::vector<torch::Tensor>> params(2);
  std::vector<std::string> backends(2);
  std::vector<std::exception_ptr> errors(2);
  std::vector<std::thread> ranks;
  for (int r = 0; r < 2; ++r)
    ranks.emplace_back([&, r] {
      try {
        GroupOptions o;
        o.world_size = 2;
        o.rank = r;
        o.store_file = dir.file("store");
        const auto group = Communicator::join(o);
        backends[r] = group->backend();
        params[r] = train_gan(*group, images, /*init_seed=*/10 + r, kSteps);
      } catch (...) {
        errors[r] = std::current_exception();
      }
    });
  for (auto& t : ranks) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  EXPECT_EQ(backends[0], "gloo");

  // Same steps on both ranks although each saw other images and noise: G and D both averaged.
  ASSERT_EQ(params[0].size(), params[1].size());
  for (size_t i = 0; i < params[0].size(); ++i)
    EXPECT_TRUE(torch::equal(params[0][i], params[1][i])) << "parameter " << i;
}
