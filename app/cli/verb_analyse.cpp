// latentlab-cli analyse MODEL [--data SPEC] [--bic A..B] [--method mean-diff|linear]
// The guided flow in one command: encode the data set (cached), attribute vectors from whatever
// labels it has (attribute columns, class labels, sub-folder names), a GMM whose K has the lowest
// BIC over a range, all stored with the model's analysis and the data set bound to the model.
#include <torch/torch.h>

#include <iostream>

#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_fitting.h"
#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/model/model_analysis.h"

namespace latentlab::cli {
namespace {

struct AnalyseArgs {
  std::string model, device = "auto", method = "mean-diff", bic = "1..8", covariance = "full";
  DataArgs data;
  uint64_t seed = 0;
  int64_t max_samples = 5000;
};

std::vector<AttributeReport> attributes_if_labelled(const Embedding& e, const std::string& spec,
                                                    const AttributeOptions& options) {
  try {
    auto reports = attribute_reports(e, spec, {}, options);
    print_attribute_reports(reports);
    return reports;
  } catch (const InputError& error) {
    // Unlabelled data still gets its GMM.
    std::cerr << "no attribute vectors: " << error.what() << std::endl;
    return {};
  }
}

void run(const AnalyseArgs& a) {
  AttributeOptions attribute_options;
  attribute_options.method = parse_attribute_method(a.method);
  attribute_options.boundary.seed = a.seed;
  GmmFitOptions gmm_options;
  gmm_options.covariance = parse_covariance_type(a.covariance);
  gmm_options.seed = a.seed;
  gmm_options.max_samples = a.max_samples;
  const auto range = parse_components_range(a.bic, "--bic");

  auto loaded = open_model(a.model, a.device);
  const std::string spec = data_spec_for(loaded, a.data.spec);
  attribute_options.source = spec;
  const auto e = embed_data(loaded, a.data, spec);
  const auto reports = attributes_if_labelled(e, spec, attribute_options);
  gmm_options.components = choose_components(e.means, range, gmm_options);
  const auto fit = fit_and_print_gmm(e.means, gmm_options);

  auto info = loaded.info;
  for (const auto& r : reports) info.attributes[r.name] = r.vector;
  info.gmm = fit.model.to_info();
  bind_dataset(info, spec);
  store_analysis(loaded, info,
                 std::to_string(reports.size()) + " attribute vector" +
                     (reports.size() == 1 ? "" : "s") + ", a GMM of " +
                     std::to_string(gmm_options.components) + " components and the data set " +
                     spec);
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
