// latentlab-cli analyse MODEL [--data SPEC] [--bic A..B] [--method mean-diff|linear]
// The guided flow in one command (core/fitting/analyse.h, as the GUI's "Analyse with a Data
// Set"): encode the data set (cached), attribute vectors from whatever labels it has (attribute
// columns, class labels, sub-folder names), a GMM whose K has the lowest BIC over a range, all
// stored with the model's analysis and the data set bound to the model.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_fitting.h"
#include "app/cli/verbs.h"
#include "core/fitting/analyse.h"
#include "core/model/model_analysis.h"

namespace latentlab::cli {
namespace {

struct AnalyseArgs {
  std::string model, device = "auto", method = "mean-diff", bic = "1..8", covariance = "full";
  DataArgs data;
  uint64_t seed = 0;
  int64_t max_samples = 20000;
};

void run(const AnalyseArgs& a) {
  AnalyseOptions options;
  options.attributes.method = parse_attribute_method(a.method);
  options.attributes.boundary.seed = a.seed;
  options.gmm.covariance = parse_covariance_type(a.covariance);
  options.gmm.seed = a.seed;
  options.gmm.max_samples = a.max_samples;
  std::tie(options.min_components, options.max_components) = parse_components_range(a.bic, "--bic");

  auto loaded = open_model(a.model, a.device);
  options.gmm.device = loaded.model->device();
  const std::string spec = data_spec_for(loaded, a.data.spec);
  options.attributes.source = spec;
  const auto e = embed_data(loaded, a.data, spec);
  ProgressLine line;
  options.gmm = with_progress(options.gmm, line);
  const auto started = std::chrono::steady_clock::now();
  const auto result = analyse_embedding(e, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  line.clear();
  if (!result.attributes_note.empty()) std::cerr << result.attributes_note << std::endl;
  if (!result.attributes.empty()) print_attribute_reports(result.attributes);
  print_bic_table(result.bic, -1);
  print_gmm_fit(result.gmm, options.gmm, e.means.size(0), -1);
  std::printf("attributes, BIC sweep over K = %lld..%lld and the fit in %.2f s\n",
              static_cast<long long>(options.min_components),
              static_cast<long long>(options.max_components), seconds);

  auto info = loaded.info;
  apply_analyse_result(info, result);
  bind_dataset(info, spec);
  const size_t n = result.attributes.size();
  store_analysis(loaded, info,
                 std::to_string(n) + " attribute vector" + (n == 1 ? "" : "s") + ", a GMM of " +
                     std::to_string(result.gmm.model.components()) +
                     " components and the data set " + spec);
}

}  // namespace

void add_analyse_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "analyse",
      "Encode a data set, compute attribute vectors from its labels and a GMM with K chosen by "
      "BIC, and store them with the model's analysis");
  auto a = std::make_shared<AnalyseArgs>();
  verb->add_option("model", a->model, "Model file of a VAE (checkpoint or TorchScript)")
      ->required();
  add_data_options(verb, &a->data);
  verb->add_option("--method", a->method, "Attribute vectors: mean-diff or linear")
      ->default_val(a->method)
      ->check(CLI::IsMember({"mean-diff", "linear"}));
  verb->add_option("--bic", a->bic, "Fit a GMM for every K in A..B; the lowest BIC is stored")
      ->default_val(a->bic);
  verb->add_option("--covariance", a->covariance, "GMM covariance: full, diag or spherical")
      ->default_val(a->covariance)
      ->check(CLI::IsMember({"full", "diag", "spherical"}));
  verb->add_option("--max-samples", a->max_samples,
                   "Fit each GMM on a random subset of at most this many latents (0: all)")
      ->default_val(a->max_samples);
  verb->add_option("--seed", a->seed, "Seed of the held-out split and of EM")->default_val(a->seed);
  add_device_option(verb, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
