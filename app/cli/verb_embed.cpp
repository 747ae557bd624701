// latentlab-cli embed MODEL [--data SPEC] --out FILE.csv
//     [--projection pca|dims:I,J|attributes:A,B|umap|tsne] [--neighbours K] [--min-dist D]
//     [--perplexity P] [--iterations N] [--seed S]
// One CSV row per image: index, label, the 2D coordinates and the full latent (posterior mean).
#include <torch/torch.h>

#include <charconv>
#include <cstdio>
#include <iostream>

#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/cli_maps.h"
#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/io/atomic_file.h"

namespace latentlab::cli {
namespace {

struct EmbedArgs {
  std::string checkpoint, out, device = "auto", projection = "pca";
  DataArgs data;
  MapArgs map;
};

// Shortest text that reads back to the same float.
void append_number(std::string& out, double value, bool as_float) {
  char buffer[32];
  const auto result = as_float
                          ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value))
                          : std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void run(const EmbedArgs& a) {
  check_output_file(a.out);
  auto loaded = open_model(a.checkpoint, a.device);
  const auto e = embed_data(loaded, a.data, data_spec_for(loaded, a.data.spec));
  const auto plane = plane_coordinates(a.projection, e, loaded.info, a.map);
  const auto xy = plane.xy.contiguous();
  const auto means = e.means.contiguous();
  const int64_t n = means.size(0), d = means.size(1);
  std::string csv = "index,label,x,y";
  for (int64_t j = 0; j < d; ++j) csv += ",z" + std::to_string(j);
  csv += "\n";
  csv.reserve(csv.size() + static_cast<size_t>(n * (d + 4) * 12));
  const float* z = means.data_ptr<float>();
  const double* p = xy.data_ptr<double>();
  const int64_t* labels = e.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    csv += std::to_string(i);
    csv += ',';
    csv += std::to_string(labels[i]);
    for (int k = 0; k < 2; ++k) {
      csv += ',';
      append_number(csv, p[i * 2 + k], /*as_float=*/true);
    }
    for (int64_t j = 0; j < d; ++j) {
      csv += ',';
      append_number(csv, z[i * d + j], /*as_float=*/true);
    }
    csv += '\n';
  }
  write_file_atomically(a.out, csv);
  std::printf("%s\n", plane.summary.c_str());
  std::fflush(stdout);
  report_written(a.out);
}

}  // namespace

void add_embed_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "embed", "Encode a data set and write its 2D projection and latents as CSV");
  auto a = std::make_shared<EmbedArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file (a VAE)")->required();
  add_data_options(verb, &a->data);
  verb->add_option("--out", a->out, "CSV file to write: index,label,x,y,z0,...")->required();
  verb->add_option("--projection", a->projection,
                   "pca; dims:I,J for latent dimensions I and J (from 0); attributes:A,B for "
                   "attribute vectors A and B (attributes:A: A and its best orthogonal partner); "
                   "umap; tsne")
      ->default_val(a->projection);
  add_map_options(verb, &a->map);
  add_device_option(verb, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
