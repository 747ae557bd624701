#include "app/cli/cli_analysis.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/cli/cli_common.h"
#include "app/cli/progress_line.h"
#include "core/analysis/inversion.h"
#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/data/dataset_spec_paths.h"
#include "core/fitting/gmm.h"

namespace latentlab::cli {

void add_data_options(CLI::App* verb, DataArgs* args) {
  verb->add_option("--data", args->spec, std::string(kDataSpecHelp));
  verb->add_option("--limit", args->limit, "Use at most this many images (0: all)")->default_val(0);
  verb->add_flag("--no-cache", args->no_cache, "Encode again instead of using the embedding cache");
  verb->add_option(
      "--cache-dir", args->cache_dir,
      "Embedding cache folder (default: $LATENTLAB_CACHE_DIR, $XDG_CACHE_HOME/latentlab "
      "or ~/.cache/latentlab)");
}

std::string data_spec_for(const LoadedModel& loaded, const std::string& given) {
  if (!given.empty()) return resolve_dataset_spec(given, std::filesystem::current_path().string());
  if (loaded.info.datasets.empty())
    throw InputError("no --data given and no data set is bound to " + loaded.path +
                     ": give --data SPEC (storing an analysis binds it)");
  const std::string& spec = loaded.info.datasets.front();
  std::cerr << "data set bound to the model: " << spec << std::endl;
  return spec;
}

std::function<bool(int64_t, int64_t)> preparing_progress(ProgressLine& line,
                                                         const std::string& spec) {
  return [&line, spec](int64_t done, int64_t total) {
    line.update("rendering " + spec + ": " + std::to_string(done) + "/" + std::to_string(total),
                done == total);
    return true;
  };
}

Embedding embed_data(LoadedModel& loaded, const DataArgs& args, const std::string& spec) {
  if (args.limit < 0) throw InputError("--limit must not be negative");
  require_encoder(loaded, "encoding a data set");
  ProgressLine line;
  EmbeddingKey key{loaded.path, spec, dataset_options_for(*loaded.model, args.limit)};
  key.data_options.on_progress = preparing_progress(line, spec);
  EmbedOptions options;
  options.progress = [&line](int64_t done, int64_t total) {
    if (done < total) line.update("encoding " + std::to_string(done) + "/" + std::to_string(total));
    return true;
  };
  const auto started = std::chrono::steady_clock::now();
  const auto open = [&key] {
    return std::shared_ptr<const Dataset>(open_dataset(key.data_spec, key.data_options));
  };
  auto e = embed_dataset(*loaded.model, key, open, options,
                         EmbeddingCache{!args.no_cache, args.cache_dir});
  line.clear();
  if (!e.cache_note.empty()) std::cerr << e.cache_note << std::endl;
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::cerr << e.means.size(0) << " latents "
            << (e.from_cache ? "read from cache " + e.cache_path : "encoded") << " in "
            << took.count() << " s" << std::endl;
  return e;
}

torch::Tensor sample_latents(const std::string& source, const LoadedModel& loaded, int64_t count,
                             uint64_t seed, double truncation) {
  const int64_t dim = loaded.model->latent_dim();
  if (source == "prior") return latents_from_seed(seed, count, dim, truncation);
  if (source != "gmm" && source.rfind("gmm:", 0) != 0)
    throw InputError("--source must be prior, gmm or gmm:K, got '" + source + "'");
  if (!loaded.info.gmm)
    throw InputError(loaded.path + " has no GMM: fit one with latentlab-cli gmm " + loaded.path +
                     " --data SPEC --components K");
  if (truncation != 0.0) throw InputError("--truncation applies to the prior, not to a GMM");
  int64_t component = -1;
  if (source.size() > 4) {
    const std::string k = source.substr(4);
    if (k.empty() || k.find_first_not_of("0123456789") != std::string::npos || k.size() > 9)
      throw InputError("--source gmm:K needs a component number, got '" + source + "'");
    component = std::stoll(k);
  }
  return Gmm::from_info(*loaded.info.gmm).sample(count, seed, component);
}

void add_inversion_options(CLI::App* verb, InversionArgs* args) {
  const std::string group = "GAN inversion (GAN checkpoints)";
  verb->add_option("--steps", args->steps, "Optimisation steps per image")
      ->default_val(args->steps)
      ->group(group);
  verb->add_option("--restarts", args->restarts, "Random starts per image; the best fit is kept")
      ->default_val(args->restarts)
      ->group(group);
  verb->add_option("--learning-rate", args->learning_rate, "Adam's step size")
      ->default_val(args->learning_rate)
      ->group(group);
  verb->add_option("--prior-weight", args->prior_weight,
                   "Weight of mean(z^2) added to the pixel error")
      ->default_val(args->prior_weight)
      ->group(group);
  verb->add_option("--inversion-seed", args->seed, "Seed of the random starts")
      ->default_val(args->seed)
      ->group(group);
}

torch::Tensor latents_of_images(LoadedModel& loaded, const torch::Tensor& images,
                                const InversionArgs& args) {
  if (loaded.model->can_encode()) return encode_means_in_batches(*loaded.model, images);
  if (!can_invert(*loaded.model))
    throw InputError(loaded.path +
                     " is a TorchScript GAN: inversion needs gradients through the generator, "
                     "which only LatentLab DCGAN checkpoints provide");
  InversionOptions o;
  o.steps = args.steps;
  o.restarts = args.restarts;
  o.learning_rate = args.learning_rate;
  o.prior_weight = args.prior_weight;
  o.seed = args.seed;
  // Several images share one optimisation batch (rows are independent), a few at a time.
  constexpr int64_t kImagesPerBatch = 16;
  const int64_t n = images.size(0);
  ProgressLine line;
  std::vector<torch::Tensor> latents;
  for (int64_t start = 0; start < n; start += kImagesPerBatch) {
    const int64_t end = std::min(n, start + kImagesPerBatch);
    o.progress = [&](int64_t step, int64_t steps, double loss) {
      std::ostringstream text;
      text << "inverting images " << start + 1 << "-" << end << " of " << n << ": step " << step
           << "/" << steps << ", mean loss " << loss;
      line.update(text.str());
      return true;
    };
    const auto result = invert(*loaded.model, images.slice(0, start, end), o);
    for (int64_t i = start; i < end; ++i)
      line.print("image " + std::to_string(i + 1) + ": pixel MSE " +
                 std::to_string(result.errors[i - start].item<float>()));
    latents.push_back(result.latents);
  }
  return torch::cat(latents);
}

}  // namespace latentlab::cli
