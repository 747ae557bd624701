#pragma once
// Helpers for the latent-analysis verbs of latentlab-cli (attributes, embed, gmm) and the hooks
// that sample and encode use: a data set encoded through the embedding cache, latents drawn from
// "prior | gmm | gmm:K", and images turned into latents by encoding (VAE) or inversion (GAN).
#include <torch/types.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "app/cli/progress_line.h"
#include "core/analysis/embedding.h"
#include "core/model/model_file.h"

namespace latentlab::cli {

constexpr const char* kDataSpecHelp =
    "Data set (default: the one bound to the model): fashion-mnist[:train|:test|:all], "
    "idx:IMAGES[:LABELS], folder:DIR, celeba:DIR or faces:seed=S,count=N";

struct DataArgs {
  std::string spec;
  int64_t limit = 0;
  bool no_cache = false;
  std::string cache_dir;
};

// --data SPEC (default: the data set bound to the model), --limit N, --no-cache, --cache-dir DIR.
void add_data_options(CLI::App* verb, DataArgs* args);

// The data set a verb works on: `given` with its paths made absolute (so that storing it binds
// the same files whatever the working folder), or else the first data set bound to the model
// (saying so on stderr). Throws InputError when there is neither.
std::string data_spec_for(const LoadedModel& loaded, const std::string& given);

// Progress of rendering a generated data set (faces:...) on line, for DatasetOptions::on_progress.
std::function<bool(int64_t, int64_t)> preparing_progress(ProgressLine& line,
                                                         const std::string& spec);

// The posterior means, labels and attributes of the data set `spec` (from data_spec_for), through
// the embedding cache, with a progress line on stderr and one line saying whether the cache was
// used.
Embedding embed_data(LoadedModel& loaded, const DataArgs& args, const std::string& spec);

// "prior" (latents_from_seed with truncation) or "gmm" / "gmm:K" (the checkpoint's GMM, all
// components or component K counted from 0): count latents [count, D]. Throws InputError for an
// unknown source, a missing GMM or truncation asked of a GMM.
torch::Tensor sample_latents(const std::string& source, const LoadedModel& loaded, int64_t count,
                             uint64_t seed, double truncation);

struct InversionArgs {
  int64_t steps = 300;
  int64_t restarts = 4;
  double learning_rate = 0.05;
  double prior_weight = 0.0;
  uint64_t seed = 0;
};

// --steps, --restarts, --learning-rate, --prior-weight, --inversion-seed (GAN checkpoints only).
void add_inversion_options(CLI::App* verb, InversionArgs* args);

// Posterior means for a VAE; for a GAN, latents found by inversion (with a progress line and
// each image's pixel error on stderr). images [N, C, H, W] in the model's range.
torch::Tensor latents_of_images(LoadedModel& loaded, const torch::Tensor& images,
                                const InversionArgs& args);

}  // namespace latentlab::cli
