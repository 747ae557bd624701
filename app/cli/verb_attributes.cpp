// latentlab-cli attributes MODEL [--data SPEC] [--method mean-diff|linear] [--names A,B,...]
// Computes attribute vectors from a labelled data set (CelebA-style attributes; for data with
// class labels only, each class against the rest) and stores them with the model's analysis (in
// a LatentLab checkpoint itself, beside any other model: core/model/model_analysis.h).
#include <torch/torch.h>

#include <iostream>

#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_fitting.h"
#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/fitting/analyse.h"
#include "core/model/model_analysis.h"

namespace latentlab::cli {
namespace {

struct AttributesArgs {
  std::string checkpoint, device = "auto", method = "mean-diff", model = "svm";
  DataArgs data;
  std::vector<std::string> names;
  double test_fraction = 0.2;
  uint64_t seed = 0;
  int64_t max_train = 4000;
  bool dry_run = false;
};

void run(const AttributesArgs& a) {
  AttributeOptions options;
  options.method = parse_attribute_method(a.method);
  options.boundary.model = parse_boundary_model(a.model);
  if (!(a.test_fraction > 0.0 && a.test_fraction < 0.9))
    throw InputError("--test-fraction must be in (0, 0.9)");
  options.boundary.test_fraction = a.test_fraction;
  options.boundary.seed = a.seed;
  options.boundary.max_train_samples = a.max_train;
  auto loaded = open_model(a.checkpoint, a.device);
  const std::string spec = data_spec_for(loaded, a.data.spec);
  options.source = spec;
  const auto e = embed_data(loaded, a.data, spec);
  std::string note;
  const auto reports = labelled_attributes(e, a.names, options, &note);
  if (!note.empty()) std::cerr << note << std::endl;
  print_attribute_reports(reports);
  if (a.dry_run) return;
  auto info = loaded.info;
  for (const auto& r : reports) info.attributes[r.name] = r.vector;
  bind_dataset(info, spec);
  store_analysis(
      loaded, info,
      std::to_string(reports.size()) + " attribute vector" + (reports.size() == 1 ? "" : "s"));
}

}  // namespace

void add_attributes_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "attributes",
      "Compute attribute vectors from a labelled data set and store them with the model's "
      "analysis");
  auto a = std::make_shared<AttributesArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file of a VAE (checkpoint or TorchScript)")
      ->required();
  add_data_options(verb, &a->data);
  verb->add_option(
          "--method", a->method,
          "mean-diff: mean latent with minus without the attribute; linear: the normal of a "
          "linear boundary between them, scaled like the mean difference")
      ->default_val(a->method)
      ->check(CLI::IsMember({"mean-diff", "linear"}));
  verb->add_option("--linear-model", a->model, "Classifier for --method linear: svm or logistic")
      ->default_val(a->model)
      ->check(CLI::IsMember({"svm", "logistic"}));
  verb->add_option("--names", a->names, "Only these attributes (comma separated; default all)")
      ->delimiter(',');
  verb->add_option("--test-fraction", a->test_fraction,
                   "Share of the data held out to measure accuracy")
      ->default_val(a->test_fraction);
  verb->add_option("--seed", a->seed, "Seed of the held-out split")->default_val(a->seed);
  verb->add_option("--max-train", a->max_train,
                   "Train the linear classifier on at most this many latents")
      ->default_val(a->max_train);
  verb->add_flag("--dry-run", a->dry_run, "Print the accuracies without storing anything");
  add_device_option(verb, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
