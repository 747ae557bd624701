// latentlab-cli info CKPT [--json]
#include <iostream>

#include "app/cli/verbs.h"
#include "core/model/model_file.h"

namespace latentlab::cli {
namespace {

void print_info(const ModelInfo& info, const std::string& device) {
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
  std::cout << "trained:       " << (p.command.empty() ? "unknown" : p.command) << "\n"
            << "  data " << p.data << ", epochs " << p.epochs << ", seed " << p.seed << ", date "
            << p.date << ", " << p.train_seconds << " s\n"
            << "  metrics " << p.metrics.dump() << "\n";
}

}  // namespace

void add_info_verb(CLI::App& app) {
  auto* verb = app.add_subcommand("info", "Describe a checkpoint or TorchScript model");
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  verb->add_option("checkpoint", *path, "Model file")->required();
  verb->add_flag("--json", *json, "Print the metadata as JSON");
  verb->callback([path, json] {
    const auto loaded = load_model(*path);
    if (*json) {
      auto j = to_json(loaded.info);
      j["path"] = loaded.path;
      std::cout << j.dump(2) << std::endl;
    } else {
      print_info(loaded.info, loaded.model->device().str());
    }
  });
}

}  // namespace latentlab::cli
