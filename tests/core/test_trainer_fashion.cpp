// The trainer on real data: a few hundred steps on 512 Fashion-MNIST test images must close a
// clear part of the gap between the best latent-blind model (the mean image) and a perfect one.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/data/dataset.h"
#include "core/model/model_file.h"
#include "core/training/trainer.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;

TEST(TrainerFashion, AFewHundredStepsLowerTheLossClearly) {
  ASSERT_TRUE(std::filesystem::exists(std::string(kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"))
      << "install the Debian package dataset-fashion-mnist";
  DatasetOptions data_options;
  data_options.limit = 512;
  const auto data = open_dataset("fashion-mnist:test", data_options);
  const auto images = load_all_images(*data);
  ASSERT_EQ(images.size(0), 512);

  TempDir dir;
  TrainOptions o;
  o.epochs = 15;  // 16 steps of 32 images per epoch: 240 steps
  o.batch_size = 32;
  o.lr = 3e-3;
  o.channels = {4, 8};
  o.latent_dim = 2;
  o.seed = 1;
  o.threads = 1;
  o.out = dir.file("fashion.llckpt");
  o.data = "fashion-mnist:test";
  o.labels = data->class_names();
  const auto result = train(images, o);

  // Baselines in nats per image: the mean image (what a VAE that ignores z can reach at best)
  // and the data's own entropy (a perfect reconstruction; BCE of grey levels is not zero).
  const Likelihood bernoulli;
  const auto mean = images.mean(0, /*keepdim=*/true).clamp(1e-6, 1 - 1e-6).expand_as(images);
  const double mean_image = reconstruction_nll(mean, images, bernoulli).mean().item<double>();
  const double perfect =
      reconstruction_nll(images.clamp(1e-6, 1 - 1e-6), images, bernoulli).mean().item<double>();
  const auto& history = result.info.provenance.loss_history;
  const double first = history.front()["loss"].get<double>();
  const double rec = history.back()["reconstruction"].get<double>();
  EXPECT_LT(history.back()["loss"].get<double>(), 0.7 * first);
  EXPECT_LT(rec, mean_image - 0.25 * (mean_image - perfect))
      << "mean image " << mean_image << ", perfect " << perfect;

  const auto loaded = load_model(o.out);
  EXPECT_EQ(loaded.info.labels.size(), 10u);
  EXPECT_EQ(loaded.info.labels.front(), "T-shirt/top");
  EXPECT_EQ(loaded.info.provenance.data, "fashion-mnist:test");
  // The saved model reconstructs as well as training said: its ELBO on the data is near the last
  // epoch's (the last epoch averaged over weights that were still moving).
  const auto post = loaded.model->encode(images);
  const auto rec_mean =
      reconstruction_nll(loaded.model->decode(post.mean), images, bernoulli).mean().item<double>();
  EXPECT_LT(rec_mean, mean_image - 0.25 * (mean_image - perfect));
}
