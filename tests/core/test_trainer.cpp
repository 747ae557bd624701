// The trainer on a small synthetic set with structure (bars): the loss falls, the same seed gives
// the same weights, E epochs + resume equal one longer run bit for bit, and a DCGAN trains.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>

#include "core/common/error.h"
#include "core/io/checkpoint_file.h"
#include "core/model/model_file.h"
#include "core/training/train_steps.h"
#include "core/training/trainer.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;

namespace {

// n binary images 1 x size x size: a horizontal or a vertical bar, 2 pixels wide, at a random
// place. Two classes and a position: structure a 2-D latent can hold.
torch::Tensor bars(int64_t n, int64_t size, uint64_t seed) {
  auto g = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto pos = torch::randint(0, size - 1, {n}, g, torch::kLong);
  auto images = torch::zeros({n, 1, size, size});
  for (int64_t i = 0; i < n; ++i) {
    const int64_t p = pos[i].item<int64_t>();
    auto slice = i % 2 ? images[i][0].narrow(0, p, 2) : images[i][0].narrow(1, p, 2);
    slice.fill_(1.0f);
  }
  return images;
}

TrainOptions tiny_vae_options(const std::string& out) {
  TrainOptions o;
  o.kind = ModelKind::Vae;
  o.epochs = 2;
  o.batch_size = 32;
  o.channels = {4, 8};
  o.latent_dim = 3;
  o.seed = 7;
  o.threads = 1;  // tiny models gain nothing from threads, and a busy CI machine costs them
  o.out = out;
  return o;
}

TrainOptions tiny_gan_options(const std::string& out) {
  TrainOptions o;
  o.kind = ModelKind::Gan;
  o.epochs = 2;
  o.batch_size = 16;
  o.latent_dim = 4;
  o.generator_width = 4;
  o.discriminator_width = 4;
  o.seed = 3;
  o.threads = 1;
  o.out = out;
  return o;
}

// Every tensor of the file (weights, batch-norm statistics, Adam state) equal bit for bit.
void expect_identical_files(const std::string& a, const std::string& b) {
  const auto fa = read_checkpoint_file(a);
  const auto fb = read_checkpoint_file(b);
  ASSERT_EQ(fa.tensors.size(), fb.tensors.size());
  for (const auto& [name, t] : fa.tensors) {
    ASSERT_TRUE(fb.tensors.count(name)) << name;
    EXPECT_TRUE(torch::equal(t, fb.tensors.at(name))) << name;
  }
  const auto ha = fa.meta["model"]["provenance"]["loss_history"];
  const auto hb = fb.meta["model"]["provenance"]["loss_history"];
  ASSERT_EQ(ha.size(), hb.size());
  for (size_t i = 0; i < ha.size(); ++i)
    for (const auto* key : {"loss", "d_loss", "g_loss"})
      if (ha[i].contains(key)) {
        EXPECT_EQ(ha[i][key].get<double>(), hb[i][key].get<double>()) << key;
      }
}

}  // namespace

TEST(Trainer, VaeLossFallsClearlyOnStructuredData) {
  TempDir dir;
  const auto images = bars(256, 16, 1);
  auto o = tiny_vae_options(dir.file("vae.llckpt"));
  o.epochs = 25;  // 8 steps per epoch: 200 steps
  o.latent_dim = 2;
  o.lr = 1e-2;
  const auto result = train(images, o);
  const auto& history = result.info.provenance.loss_history;
  ASSERT_EQ(history.size(), 25u);
  const double first = history.front()["loss"].get<double>();
  const double last = history.back()["loss"].get<double>();
  // The best image that ignores the latent is the mean image: its BCE is the floor a VAE that
  // learned nothing reaches. The trained model must go clearly below it.
  const auto mean = images.mean(0, /*keepdim=*/true).clamp(1e-6, 1 - 1e-6).expand_as(images);
  const double mean_bce = reconstruction_nll(mean, images, Likelihood{}).mean().item<double>();
  const double last_rec = history.back()["reconstruction"].get<double>();
  EXPECT_LT(last, 0.5 * first);
  EXPECT_LT(last_rec, 0.6 * mean_bce) << "mean-image BCE " << mean_bce;  // PyTorch gets 0.33
  EXPECT_NEAR(history.back()["elbo"].get<double>(),
              -(last_rec + history.back()["kl"].get<double>()), 1e-9);

  // The file records the run and loads as a model.
  const auto loaded = load_model(o.out);
  EXPECT_EQ(loaded.info.provenance.epochs, 25);
  EXPECT_EQ(loaded.info.provenance.seed, 7);
  EXPECT_EQ(loaded.info.provenance.loss_history.size(), 25u);
  EXPECT_TRUE(loaded.info.provenance.metrics.contains("train_loss"));
  EXPECT_EQ(loaded.info.hyper_parameters.value("likelihood", ""), "bernoulli");
  EXPECT_EQ(loaded.info.latent_dim, 2);
  EXPECT_FALSE(loaded.info.provenance.date.empty());
}

// A guided VAE (TrainOptions::attribute_weight) reads each attribute from its own latent
// coordinate: the sign of the posterior mean's coordinate a tells attribute a. The same run
// without the guide is the control: its coordinates hold the bars too, but not in that order.
TEST(Trainer, GuidedVaeReadsEachAttributeFromItsOwnCoordinate) {
  TempDir dir;
  const auto images = bars(256, 16, 11);
  // Attribute 0: the bar is vertical (odd images); attribute 1: it lies in the first half.
  auto attributes = torch::empty({256, 2}, torch::kInt8);
  for (int64_t i = 0; i < 256; ++i) {
    const bool vertical = i % 2 == 1;
    const auto line = vertical ? images[i][0].sum(0) : images[i][0].sum(1);
    const bool first_half = line.argmax().item<int64_t>() < 8;
    attributes[i][0] = vertical ? 1 : -1;
    attributes[i][1] = first_half ? 1 : -1;
  }
  const auto accuracy = [&](const std::string& file, int64_t a) {
    auto model = load_model(file).model;
    const auto mu = model->encode(images).mean;
    const auto predicted = mu.select(1, a).gt(0);
    return predicted.eq(attributes.select(1, a).gt(0)).to(torch::kFloat64).mean().item<double>();
  };
  auto o = tiny_vae_options(dir.file("guided.llckpt"));
  o.epochs = 15;
  o.lr = 1e-2;
  o.attribute_weight = 20.0;
  o.attribute_names = {"Vertical", "First_Half"};
  const auto result = train(images, o, attributes);
  EXPECT_LT(result.info.provenance.loss_history.back()["attributes"].get<double>(),
            0.25 * result.info.provenance.loss_history.front()["attributes"].get<double>());
  EXPECT_GE(accuracy(o.out, 0), 0.95);
  EXPECT_GE(accuracy(o.out, 1), 0.95);
  EXPECT_DOUBLE_EQ(read_train_state(o.out).settings.attribute_weight, 20.0);  // kept for --resume
  EXPECT_EQ(load_model(o.out).info.guided_attributes, o.attribute_names);     // the sliders' names

  auto control = o;
  control.out = dir.file("control.llckpt");
  control.attribute_weight = 0.0;
  train(images, control, attributes);
  EXPECT_LT(std::min(accuracy(control.out, 0), accuracy(control.out, 1)), 0.8);
  EXPECT_TRUE(load_model(control.out).info.guided_attributes.empty());

  // A guided run needs attributes, one row per image, no more of them than latent coordinates.
  o.out = dir.file("bad.llckpt");
  EXPECT_THROW(train(images, o), InputError);
  EXPECT_THROW(train(images, o, attributes.narrow(0, 0, 100)), InputError);
  EXPECT_THROW(train(images, o, torch::ones({256, 4}, torch::kInt8)), InputError);
  o.attribute_names = {"Vertical"};  // one name for two attributes
  EXPECT_THROW(train(images, o, attributes), InputError);
}

TEST(Trainer, SameSeedGivesTheSameWeights) {
  TempDir dir;
  const auto images = bars(96, 16, 2);
  train(images, tiny_vae_options(dir.file("a.llckpt")));
  train(images, tiny_vae_options(dir.file("b.llckpt")));
  expect_identical_files(dir.file("a.llckpt"), dir.file("b.llckpt"));
  auto other = tiny_vae_options(dir.file("c.llckpt"));
  other.seed = 8;
  train(images, other);
  const auto a = read_checkpoint_file(dir.file("a.llckpt")).tensors.at("model/to_mu.weight");
  const auto c = read_checkpoint_file(dir.file("c.llckpt")).tensors.at("model/to_mu.weight");
  EXPECT_FALSE(torch::equal(a, c));
}

TEST(Trainer, ResumeEqualsAnUninterruptedRun) {
  TempDir dir;
  const auto images = bars(100, 16, 3);  // 3 batches of 32 and a remainder that changes per epoch
  // A warm-up of 12 steps (4 a epoch) runs on across the resume: its step count comes back too.
  auto straight = tiny_vae_options(dir.file("straight.llckpt"));
  straight.batch_norm = true;
  straight.epochs = 4;
  straight.warmup_steps = 12;
  train(images, straight);

  auto first = tiny_vae_options(dir.file("resumed.llckpt"));
  first.batch_norm = true;
  first.epochs = 2;
  first.warmup_steps = 12;
  train(images, first);
  EXPECT_EQ(read_train_state(first.out).epochs_done, 2);
  TrainOptions more;  // only the extent comes from the caller: the rest is in the checkpoint
  more.out = first.out;
  more.resume = true;
  more.epochs = 4;
  more.threads = 1;
  more.lr = 0.5;  // ignored on resume
  const auto result = train(images, more);
  EXPECT_EQ(result.epochs_done, 4);
  expect_identical_files(straight.out, first.out);
  EXPECT_EQ(load_model(first.out).info.provenance.loss_history.size(), 4u);

  more.epochs = 3;  // fewer than done
  EXPECT_THROW(train(images, more), InputError);
}

TEST(Trainer, WarmUpRaisesTheLearningRateLinearly) {
  EXPECT_DOUBLE_EQ(warmed_up_lr(1e-3, 0, 4), 0.25e-3);
  EXPECT_DOUBLE_EQ(warmed_up_lr(1e-3, 2, 4), 0.75e-3);
  EXPECT_DOUBLE_EQ(warmed_up_lr(1e-3, 3, 4), 1e-3);
  EXPECT_DOUBLE_EQ(warmed_up_lr(1e-3, 50, 4), 1e-3);
  EXPECT_DOUBLE_EQ(warmed_up_lr(1e-3, 0, 0), 1e-3);
  // One step (32 images, batch 32) with a warm-up of 10 is the step of a tenth of the rate;
  // without it, Adam's first step moves each weight by about the whole rate.
  TempDir dir;
  const auto images = bars(32, 16, 5);
  const auto weights = [&](const std::string& name, double lr, int64_t warmup) {
    auto o = tiny_vae_options(dir.file(name));
    o.epochs = 1;
    o.lr = lr;
    o.warmup_steps = warmup;
    train(images, o);
    return read_checkpoint_file(o.out).tensors.at("model/to_mu.weight");
  };
  const auto warmed = weights("warm.llckpt", 1e-3, 10);
  const auto tenth = weights("tenth.llckpt", 1e-4, 0);
  const auto full = weights("full.llckpt", 1e-3, 0);
  EXPECT_TRUE(torch::allclose(warmed, tenth, /*rtol=*/0, /*atol=*/1e-9));
  const double gap = (full - warmed).abs().max().item<double>();
  EXPECT_NEAR(gap, 0.9e-3, 0.05e-3);
}

TEST(Trainer, GanTrainsWithFiniteLossesAndResumesExactly) {
  TempDir dir;
  const auto images = bars(64, 28, 4) * 2 - 1;  // a DCGAN works in [-1, 1]
  auto straight = tiny_gan_options(dir.file("g1.llckpt"));
  const auto result = train(images, straight);
  for (const auto& record : result.info.provenance.loss_history)
    for (const auto* key : {"d_loss", "g_loss", "d_real", "d_fake"}) {
      ASSERT_TRUE(record.contains(key)) << key;
      EXPECT_TRUE(std::isfinite(record[key].get<double>())) << key;
    }
  const auto loaded = load_model(straight.out);
  ASSERT_TRUE(loaded.model->can_discriminate());
  const auto x = loaded.model->decode(torch::randn({3, 4}));
  EXPECT_LE(x.abs().max().item<float>(), 1.0f);

  auto part = tiny_gan_options(dir.file("g2.llckpt"));
  part.epochs = 1;
  train(images, part);
  part.resume = true;
  part.epochs = 2;
  train(images, part);
  expect_identical_files(straight.out, part.out);

  // A VAE's images in [0, 1] are refused by a GAN (and the other way round).
  auto wrong = tiny_gan_options(dir.file("g3.llckpt"));
  EXPECT_THROW(train(images.narrow(0, 0, 8) * 0.5 + 0.6, wrong), InputError);
}

TEST(Trainer, HalfPrecisionReleaseFileCannotBeResumed) {
  TempDir dir;
  const auto images = bars(64, 16, 5);
  auto o = tiny_vae_options(dir.file("half.llckpt"));
  o.half_precision = true;
  train(images, o);
  const auto file = read_checkpoint_file(o.out);
  for (const auto& [name, t] : file.tensors)
    EXPECT_EQ(name.rfind("train/", 0), std::string::npos) << name;
  EXPECT_NO_THROW(load_model(o.out));
  o.resume = true;
  o.epochs = 3;
  EXPECT_THROW(train(images, o), CheckpointError);
}

TEST(Trainer, ReportsProgressAndStopsWhenCancelled) {
  TempDir dir;
  const auto images = bars(64, 16, 6);
  auto o = tiny_vae_options(dir.file("p.llckpt"));
  o.epochs = 3;
  std::atomic<bool> cancel{false};
  std::vector<TrainProgress> seen;
  o.cancel = &cancel;
  o.progress = [&](const TrainProgress& p) {
    seen.push_back(p);
    if (p.epoch_done && p.epoch == 2) cancel = true;
  };
  EXPECT_THROW(train(images, o), Cancelled);
  // 2 steps per epoch, 2 epochs, plus one epoch-end report each.
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0].step, 1);
  EXPECT_EQ(seen[0].steps_per_epoch, 2);
  EXPECT_EQ(seen[0].epochs, 3);
  EXPECT_TRUE(seen[0].losses.count("kl"));
  EXPECT_GT(seen[0].images_per_second, 0.0);
  EXPECT_TRUE(seen[2].epoch_done);
  // The checkpoint of the last finished epoch is there and resumable.
  EXPECT_EQ(read_train_state(o.out).epochs_done, 2);
}

TEST(Trainer, RejectsBadOptionsAndImages) {
  TempDir dir;
  const auto images = bars(16, 16, 7);
  auto o = tiny_vae_options(dir.file("x.llckpt"));
  o.arch = "resnet";
  EXPECT_THROW(train(images, o), InputError);
  o = tiny_vae_options(dir.file("x.llckpt"));
  EXPECT_THROW(train(images * 2 - 1, o), InputError);  // Bernoulli needs [0, 1]
  o.epochs = 0;
  EXPECT_THROW(train(images, o), InputError);
  o = tiny_vae_options("");
  EXPECT_THROW(train(images, o), InputError);
  o = tiny_vae_options(dir.file("missing.llckpt"));
  o.resume = true;
  EXPECT_THROW(train(images, o), CheckpointError);
}

TEST(Trainer, DefaultsFollowTheImageSize) {
  TrainOptions vae;
  const auto course = with_defaults(vae, {1, 28, 28});
  EXPECT_EQ(course.arch, "course");
  EXPECT_EQ(course.channels, (std::vector<int64_t>{16, 32}));
  EXPECT_EQ(course.hidden, 0);
  EXPECT_EQ(course.latent_dim, 2);
  EXPECT_DOUBLE_EQ(course.lr, 1e-3);
  const auto deep = with_defaults(vae, {3, 64, 64});
  EXPECT_EQ(deep.arch, "deep");
  EXPECT_EQ(deep.channels, (std::vector<int64_t>{32, 64, 128, 256}));
  EXPECT_EQ(deep.hidden, 256);
  EXPECT_TRUE(*deep.batch_norm);
  TrainOptions gan;
  gan.kind = ModelKind::Gan;
  const auto dcgan = with_defaults(gan, {3, 64, 64});
  EXPECT_EQ(dcgan.generator_width, 64);
  EXPECT_EQ(dcgan.latent_dim, 100);
  EXPECT_DOUBLE_EQ(dcgan.lr, 2e-4);
  EXPECT_TRUE(*dcgan.output_range == (OutputRange{-1.0f, 1.0f}));
  // Settings survive the JSON round trip used by resume.
  const auto back = train_settings_from_json(train_settings_to_json(deep));
  EXPECT_EQ(back.channels, deep.channels);
  EXPECT_EQ(back.arch, "deep");
  EXPECT_EQ(to_string(back.likelihood), "bernoulli");
}
