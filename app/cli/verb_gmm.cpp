// latentlab-cli gmm MODEL [--data SPEC] --components K [--covariance full|diag|spherical]
//                  [--bic A..B]
// Fits a Gaussian mixture to the data set's latents (k-means starts, then batched EM on the
// model's device, as scikit-learn's GaussianMixture) and stores it with the model's analysis;
// --bic fits every K in a range first and prints the BIC curve (without --components, the K with
// the lowest BIC is stored).
#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_fitting.h"
#include "app/cli/verbs.h"
#include "core/analysis/gmm.h"
#include "core/common/error.h"
#include "core/model/model_analysis.h"

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
  const auto range =
      a.bic.empty() ? std::pair<int64_t, int64_t>{0, 0} : parse_components_range(a.bic, "--bic");
  auto loaded = open_model(a.checkpoint, a.device);
  options.device = loaded.model->device();
  const std::string spec = data_spec_for(loaded, a.data.spec);
  const auto e = embed_data(loaded, a.data, spec);
  options.components = a.components;
  if (!a.bic.empty()) {
    const int64_t best = choose_components(e.means, range, options);
    if (options.components == 0) options.components = best;
  }
  const auto fit = fit_and_print_gmm(e.means, options);
  if (a.dry_run) return;
  auto info = loaded.info;
  info.gmm = fit.model.to_info();
  bind_dataset(info, spec);
  store_analysis(loaded, info, "the GMM");
}

}  // namespace

void add_gmm_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "gmm",
      "Fit a Gaussian mixture to a data set's latents and store it with the model's analysis");
  auto a = std::make_shared<GmmArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file of a VAE (checkpoint or TorchScript)")
      ->required();
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
