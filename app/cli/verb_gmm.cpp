// latentlab-cli gmm CKPT --data SPEC --components K [--covariance full|diag|spherical] [--bic A..B]
// Fits a Gaussian mixture to the data set's latents (k-means starts, then batched EM on the
// model's device, as scikit-learn's GaussianMixture) and stores it in the checkpoint; --bic fits
// every K in a range first and prints the BIC curve (without --components, the K with the lowest
// BIC is stored).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/progress_line.h"
#include "app/cli/verbs.h"
#include "core/analysis/gmm.h"
#include "core/common/error.h"

namespace latentlab::cli {
namespace {

struct GmmArgs {
  std::string checkpoint, device = "auto", covariance = "full", bic;
  DataArgs data;
  int64_t components = 0;
  uint64_t seed = 0;
  int max_iterations = 100;
  int n_init = 1;
  double tolerance = 1e-3;
  int64_t max_samples = 0;
  bool dry_run = false;
};

std::pair<int64_t, int64_t> parse_range(const std::string& text) {
  const auto dots = text.find("..");
  try {
    if (dots == std::string::npos) throw std::invalid_argument("no ..");
    size_t used_a = 0, used_b = 0;
    const auto a = text.substr(0, dots), b = text.substr(dots + 2);
    const int64_t lo = std::stoll(a, &used_a), hi = std::stoll(b, &used_b);
    if (used_a != a.size() || used_b != b.size() || lo < 1 || hi < lo || hi > 100)
      throw std::invalid_argument("");
    return {lo, hi};
  } catch (const std::logic_error&) {
    throw InputError("--bic needs a range A..B with 1 <= A <= B <= 100, got '" + text + "'");
  }
}

void run(const GmmArgs& a) {
  if (a.components < 0 || a.components > 1000)
    throw InputError("--components must be between 1 and 1000");
  if (a.components == 0 && a.bic.empty())
    throw InputError("give --components K, or --bic A..B to choose K");
  GmmFitOptions options;
  options.covariance = parse_covariance_type(a.covariance);
  options.seed = a.seed;
  options.max_iterations = a.max_iterations;
  options.n_init = a.n_init;
  options.tolerance = a.tolerance;
  options.max_samples = a.max_samples;
  const auto range = a.bic.empty() ? std::pair<int64_t, int64_t>{0, 0} : parse_range(a.bic);
  auto loaded = open_model(a.checkpoint, a.device);
  options.device = loaded.model->device();
  if (!a.dry_run && loaded.info.format != "latentlab")
    throw InputError(a.checkpoint +
                     " is a TorchScript module: a GMM can only be stored in LatentLab "
                     "checkpoints (use --dry-run to only fit it)");
  const auto e = embed_data(loaded, a.data);
  ProgressLine line;
  options.progress = [&line](int64_t done, int64_t total) {
    line.update("EM " + std::to_string(done) + "/" + std::to_string(total) + " iterations at most");
    return true;
  };
  int64_t k = a.components;
  if (!a.bic.empty()) {
    const auto started = std::chrono::steady_clock::now();
    const auto curve = bic_curve(e.means, range.first, range.second, options);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    line.clear();
    const int64_t best = best_components(curve);
    std::printf("%4s %16s %20s\n", "K", "BIC", "mean log-likelihood");
    for (const auto& p : curve)
      std::printf("%4lld %16.1f %20.4f%s\n", static_cast<long long>(p.components), p.bic,
                  p.mean_log_likelihood, p.components == best ? "  <- lowest BIC" : "");
    std::printf("BIC sweep over K = %lld..%lld in %.2f s\n", static_cast<long long>(range.first),
                static_cast<long long>(range.second), took.count());
    std::fflush(stdout);
    if (k == 0) k = best;
  }
  options.components = k;
  const auto started = std::chrono::steady_clock::now();
  const auto fit = fit_gmm(e.means, options);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  line.clear();
  const auto& m = fit.model;
  std::printf(
      "GMM: %lld components, %s covariance, fitted on %lld of %lld latents in %.2f s "
      "(%d EM iterations%s)\n",
      static_cast<long long>(k), to_string(options.covariance).c_str(),
      static_cast<long long>(fit.fitted_samples), static_cast<long long>(e.means.size(0)),
      took.count(), fit.iterations, fit.converged ? "" : ", not converged");
  std::printf("BIC %.1f, mean log-likelihood %.4f\n", fit.bic,
              fit.log_likelihoods.mean().item<double>());
  const auto counts = torch::bincount(fit.labels, {}, k);
  for (int64_t c = 0; c < k; ++c)
    std::printf("  component %2lld: weight %.4f, %lld latents\n", static_cast<long long>(c),
                m.weights()[c].item<double>(), static_cast<long long>(counts[c].item<int64_t>()));
  std::fflush(stdout);
  if (a.dry_run) return;
  auto info = loaded.info;
  info.gmm = m.to_info();
  update_checkpoint_info(a.checkpoint, info);
  std::cout << "stored the GMM in " << a.checkpoint << std::endl;
}

}  // namespace

void add_gmm_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "gmm", "Fit a Gaussian mixture to a data set's latents and store it in the checkpoint");
  auto a = std::make_shared<GmmArgs>();
  verb->add_option("checkpoint", a->checkpoint, "LatentLab checkpoint of a VAE")->required();
  add_data_options(verb, &a->data);
  verb->add_option("--components", a->components,
                   "Number of components K (default: the lowest BIC of --bic)");
  verb->add_option("--covariance", a->covariance, "full, diag or spherical")
      ->default_val(a->covariance)
      ->check(CLI::IsMember({"full", "diag", "spherical"}));
  verb->add_option("--bic", a->bic, "Fit every K in A..B and print the BIC of each, e.g. 1..10");
  verb->add_option("--seed", a->seed, "Seed of the k-means++ initialisation and of the subsample")
      ->default_val(a->seed);
  verb->add_option("--max-iterations", a->max_iterations, "EM iterations at most")
      ->default_val(a->max_iterations);
  verb->add_option("--n-init", a->n_init, "Initialisations; the best log-likelihood is kept")
      ->default_val(a->n_init);
  verb->add_option("--tolerance", a->tolerance,
                   "Stop when the mean log-likelihood changes by less than this")
      ->default_val(a->tolerance);
  verb->add_option("--max-samples", a->max_samples,
                   "Fit on a random subset of at most this many latents (0: all). "
                   "Log-likelihoods and BIC cover every latent")
      ->default_val(a->max_samples);
  verb->add_flag("--dry-run", a->dry_run, "Print the fit without storing it");
  add_device_option(verb, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
