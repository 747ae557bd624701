// latentlab-cli info MODEL [--json]
#include <iostream>

#include "app/cli/verbs.h"
#include "core/model/model_file.h"

namespace latentlab::cli {
namespace {

void print_list(const char* title, const std::vector<std::string>& lines) {
  std::cout << title << (lines.empty() ? "none" : "") << "\n";
  for (const auto& line : lines) std::cout << "  " << line << "\n";
}

void print_info(const LoadedModel& loaded) {
  const ModelInfo& info = loaded.info;
  const std::string device = loaded.model->device().str();
  std::cout << "name:          " << info.name << "\n"
            << "format:        " << info.format << "\n"
            << "kind:          " << to_string(info.kind) << "\n"
            << "architecture:  " << info.architecture << " " << info.hyper_parameters.dump() << "\n"
            << "latent size:   " << info.latent_dim << "\n"
            << "image shape:   " << to_string(info.image_shape) << "\n"
            << "output range:  [" << info.output_range.lo << ", " << info.output_range.hi << "]\n"
            << "device:        " << device << "\n";
  if (!info.labels.empty()) {
    std::cout << "labels:       ";
    for (const auto& l : info.labels) std::cout << " " << l;
    std::cout << "\n";
  }
  if (!info.guided_attributes.empty()) {
    std::cout << "guided:       ";
    for (size_t i = 0; i < info.guided_attributes.size(); ++i)
      std::cout << " z" << i << "=" << info.guided_attributes[i];
    std::cout << "\n";
  }
  std::cout << "attributes:    " << (info.attributes.empty() ? "none" : "") << "\n";
  for (const auto& [name, a] : info.attributes) {
    std::cout << "  " << name << " (" << a.method;
    if (a.accuracy) std::cout << ", accuracy " << *a.accuracy;
    std::cout << ")\n";
  }
  if (info.gmm)
    std::cout << "gmm:           " << info.gmm->components << " components, "
              << info.gmm->covariance_type << " covariance\n";
  else
    std::cout << "gmm:           none\n";
  const auto& p = info.provenance;
  print_list("data sets:     ", info.datasets);
  std::cout << "analysis store: " << (loaded.analysis_path.empty() ? "none" : loaded.analysis_path)
            << "\n";
  print_list("adapted:       ", info.adapted);
  std::cout << "trained:       " << (p.command.empty() ? "unknown" : p.command) << "\n"
            << "  data " << p.data << ", epochs " << p.epochs << ", seed " << p.seed << ", date "
            << p.date << ", " << p.train_seconds << " s\n"
            << "  metrics " << p.metrics.dump() << "\n";
  for (const auto& warning : loaded.warnings) std::cout << "warning:       " << warning << "\n";
}

}  // namespace

void add_info_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "info", "Describe a checkpoint or TorchScript model, with the analysis stored for it");
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  verb->add_option("checkpoint", *path, "Model file")->required();
  verb->add_flag("--json", *json, "Print the metadata as JSON");
  verb->callback([path, json] {
    const auto loaded = load_model(*path);
    if (*json) {
      auto j = to_json(loaded.info);
      j["path"] = loaded.path;
      j["analysis_store"] = loaded.analysis_path;
      j["warnings"] = loaded.warnings;
      std::cout << j.dump(2) << std::endl;
    } else {
      print_info(loaded);
    }
  });
}

}  // namespace latentlab::cli
