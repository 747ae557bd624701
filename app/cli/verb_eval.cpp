// latentlab-cli eval MODEL [--data SPEC] [--iwae-samples K] [--limit N] [--json] [--store]
//
// VAE: the mean ELBO (one reparameterised sample per image), its reconstruction and KL terms, and
// the IWAE estimate of log p(x) with K samples, in nats per image, with standard errors over the
// images. GAN: the mean discriminator score sigmoid(D(x)) on the data and on as many samples.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <iostream>

#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/progress_line.h"
#include "app/cli/verbs.h"
#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/data/batch_reader.h"
#include "core/data/dataset.h"
#include "core/model/model_file.h"
#include "core/training/vae_loss.h"

namespace latentlab::cli {
namespace {

// Pixels decoded per IWAE call: bounds the memory of k * N decoded images and their activations.
constexpr int64_t kIwaePixelsPerCall = int64_t{1} << 18;

struct EvalArgs {
  std::string checkpoint, data, data_dir, likelihood, device = "auto";
  int64_t iwae_samples = 100, limit = 0, seed = 0, samples = 0;
  bool json = false, store = false;
};

struct Mean {
  double sum = 0.0, sum_sq = 0.0;
  int64_t n = 0;
  void add(const torch::Tensor& values) {
    const auto v = values.to(torch::kFloat64);
    sum += v.sum().item<double>();
    sum_sq += v.pow(2).sum().item<double>();
    n += v.numel();
  }
  double mean() const { return n ? sum / double(n) : NAN; }
  double standard_error() const {
    if (n < 2) return NAN;
    const double var = std::max(0.0, (sum_sq - sum * sum / double(n)) / double(n - 1));
    return std::sqrt(var / double(n));
  }
};

Likelihood likelihood_of(const LoadedModel& loaded, const std::string& override_text) {
  if (!override_text.empty()) return parse_likelihood(override_text);
  const auto& hp = loaded.info.hyper_parameters;
  if (hp.is_object() && hp.contains("likelihood") && hp["likelihood"].is_string())
    return parse_likelihood(hp["likelihood"].get<std::string>());
  // Models from elsewhere (TorchScript): Bernoulli for [0, 1] images, Gaussian otherwise.
  return loaded.model->output_range() == OutputRange{0.0f, 1.0f}
             ? Likelihood{}
             : Likelihood{LikelihoodKind::Gaussian};
}

// The IWAE bound with k samples, in groups small enough for memory: the log-mean-exp over all
// k samples is logsumexp over groups of (group bound + log group size) - log k.
torch::Tensor iwae_in_groups(Model& model, const torch::Tensor& x, const Posterior& post, int64_t k,
                             const Likelihood& likelihood, torch::Generator& generator) {
  const int64_t pixels = x[0].numel();
  const int64_t per_call = std::max<int64_t>(1, kIwaePixelsPerCall / pixels);
  const int64_t images = std::max<int64_t>(1, per_call / k);
  const int64_t group = std::min(k, std::max<int64_t>(1, per_call));
  const auto decode = [&model](const torch::Tensor& z) { return model.decode(z); };
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < x.size(0); i += images) {
    const int64_t n = std::min(images, x.size(0) - i);
    const auto xi = x.narrow(0, i, n), mu = post.mean.narrow(0, i, n),
               lv = post.logvar.narrow(0, i, n);
    std::vector<torch::Tensor> groups;
    for (int64_t done = 0; done < k; done += group) {
      const int64_t kg = std::min(group, k - done);
      groups.push_back(
          iwae_bound(xi, mu, lv, decode, kg, likelihood, generator).to(torch::kFloat64) +
          std::log(double(kg)));
    }
    parts.push_back(torch::logsumexp(torch::stack(groups), 0) - std::log(double(k)));
  }
  return torch::cat(parts);
}

void run(const EvalArgs& a) {
  if (a.iwae_samples < 0) throw InputError("--iwae-samples must be >= 0");
  auto loaded = open_model(a.checkpoint, a.device);
  Model& model = *loaded.model;
  DatasetOptions data_options;
  data_options.image_shape = model.image_shape();
  data_options.output_range = model.output_range();
  data_options.data_dir = a.data_dir;
  data_options.limit = a.limit;
  const std::string spec = data_spec_for(loaded, a.data);
  ProgressLine line;
  data_options.on_progress = preparing_progress(line, spec);
  const auto data = open_dataset(spec, data_options);
  const int64_t n = data->size();
  if (n == 0) throw InputError(spec + " holds no images");
  auto generator = at::make_generator<at::CPUGeneratorImpl>(uint64_t(a.seed));

  nlohmann::json result = {{"checkpoint", a.checkpoint},
                           {"data", spec},
                           {"images", n},
                           {"kind", to_string(model.kind())}};
  nlohmann::json stored;
  if (model.kind() == ModelKind::Vae) {
    require_encoder(loaded, "eval");
    const Likelihood likelihood = likelihood_of(loaded, a.likelihood);
    Mean elbo, rec, kl, iwae;
    // The next batches are decoded on the reader's thread while this one is evaluated.
    BatchReader reader(*data, kModelBatch);
    for (auto batch = reader.next(); batch.images.defined(); batch = reader.next()) {
      const auto& x = batch.images;
      const Posterior post = model.encode(x);
      torch::NoGradGuard no_grad;
      const auto z =
          reparameterize(post.mean, post.logvar, normal_noise_like(post.mean, generator));
      const auto terms = vae_loss(model.decode(z), x, post.mean, post.logvar, likelihood);
      rec.add(terms.reconstruction);
      kl.add(terms.kl);
      elbo.add(terms.elbo());
      if (a.iwae_samples > 0)
        iwae.add(iwae_in_groups(model, x, post, a.iwae_samples, likelihood, generator));
      line.update("evaluating: " + std::to_string(batch.begin + x.size(0)) + "/" +
                  std::to_string(n) + " images");
    }
    result["likelihood"] = to_string(likelihood);
    result["elbo"] = elbo.mean();
    result["elbo_se"] = elbo.standard_error();
    result["reconstruction"] = rec.mean();
    result["kl"] = kl.mean();
    stored = {
        {"eval_elbo", elbo.mean()}, {"eval_reconstruction", rec.mean()}, {"eval_kl", kl.mean()}};
    if (a.iwae_samples > 0) {
      result["iwae"] = iwae.mean();
      result["iwae_se"] = iwae.standard_error();
      result["iwae_samples"] = a.iwae_samples;
      stored["eval_iwae"] = iwae.mean();
      stored["eval_iwae_samples"] = a.iwae_samples;
    }
  } else {
    if (!model.can_discriminate())
      throw InputError(a.checkpoint + " has no discriminator: a GAN is evaluated by its D scores");
    const int64_t count = a.samples > 0 ? a.samples : n;
    Mean on_data, on_samples;
    BatchReader reader(*data, kModelBatch);
    for (auto batch = reader.next(); batch.images.defined(); batch = reader.next()) {
      on_data.add(torch::sigmoid(model.discriminate(batch.images)));
      line.update("scoring: " + std::to_string(batch.begin + batch.images.size(0)) + "/" +
                  std::to_string(n) + " images");
    }
    const auto z = latents_from_seed(uint64_t(a.seed), count, model.latent_dim());
    for (int64_t i = 0; i < count; i += kModelBatch)
      on_samples.add(torch::sigmoid(
          model.discriminate(model.decode(z.narrow(0, i, std::min(kModelBatch, count - i))))));
    result["d_data"] = on_data.mean();
    result["d_samples"] = on_samples.mean();
    result["samples"] = count;
    stored = {{"eval_d_data", on_data.mean()}, {"eval_d_samples", on_samples.mean()}};
  }
  stored["eval_images"] = n;

  line.clear();
  if (a.json) {
    std::cout << result.dump(2) << std::endl;
  } else {
    std::cout << "model:           " << a.checkpoint << " (" << result["kind"].get<std::string>()
              << ")\n"
              << "data:            " << spec << ", " << n << " images\n";
    if (model.kind() == ModelKind::Vae) {
      std::cout << "likelihood:      " << result["likelihood"].get<std::string>() << "\n"
                << "ELBO:            " << fixed(result["elbo"]) << " nats/image (+- "
                << fixed(result["elbo_se"]) << ")\n"
                << "reconstruction:  " << fixed(result["reconstruction"]) << " nats/image\n"
                << "KL:              " << fixed(result["kl"]) << " nats/image\n";
      if (result.contains("iwae"))
        std::cout << "log p(x), IWAE:  " << fixed(result["iwae"]) << " nats/image (+- "
                  << fixed(result["iwae_se"]) << ", K = " << a.iwae_samples << ")\n";
    } else {
      std::cout << "D(x) on data:    " << fixed(result["d_data"], 4) << "\n"
                << "D(G(z)) samples: " << fixed(result["d_samples"], 4) << " (" << result["samples"]
                << " samples, seed " << a.seed << ")\n";
    }
  }
  if (a.store) {
    ModelInfo info = loaded.info;
    for (const auto& [key, value] : stored.items()) info.provenance.metrics[key] = value;
    update_checkpoint_info(a.checkpoint, info);
    std::cerr << "stored the metrics in " << a.checkpoint << "\n";
  }
}

}  // namespace

void add_eval_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "eval",
      "Evaluate a model on a data set: ELBO, reconstruction, KL and IWAE log-likelihood "
      "(VAE) or discriminator scores (GAN)");
  auto a = std::make_shared<EvalArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file")->required();
  verb->add_option("--data", a->data, kDataSpecHelp);
  verb->add_option("--iwae-samples", a->iwae_samples,
                   "VAE: importance samples K per image for the IWAE bound (0: skip it)")
      ->default_val(100);
  verb->add_option("--limit", a->limit, "Use at most this many images")->default_val(0);
  verb->add_option("--seed", a->seed, "Seed of the sampling noise (and of the GAN samples)")
      ->default_val(0);
  verb->add_option("--samples", a->samples,
                   "GAN: generated samples to score (default: as many as images)");
  verb->add_option("--likelihood", a->likelihood,
                   "VAE decoder distribution (default: the one it was trained with)");
  verb->add_option("--data-dir", a->data_dir, "Where the fashion-mnist IDX files are");
  verb->add_flag("--json", a->json, "Print the metrics as JSON");
  verb->add_flag("--store", a->store,
                 "Also store the metrics in the checkpoint (provenance.metrics)");
  add_device_option(verb, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
