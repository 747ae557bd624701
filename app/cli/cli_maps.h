#pragma once
// The 2D coordinates behind `latentlab-cli embed --projection`: the linear projections (pca,
// dims:I,J, attributes:A,B or attributes:A) and the non-linear maps (umap, tsne) with their
// options, a progress line on stderr and a one-line summary for stdout.
#include <torch/types.h>

#include <CLI/CLI.hpp>
#include <string>

#include "core/analysis/embedding.h"
#include "core/model/model_info.h"

namespace latentlab::cli {

struct MapArgs {
  int64_t neighbours = 15;
  double min_dist = 0.1;
  double perplexity = 30.0;
  int64_t iterations = 0;  // 0: the method's default
  uint64_t seed = 0;
};

// --neighbours, --min-dist, --perplexity, --iterations, --seed.
void add_map_options(CLI::App* verb, MapArgs* args);

struct PlaneCoordinates {
  torch::Tensor xy;     // [N, 2] float64
  std::string summary;  // what was computed, its figures and how long it took
};

// The coordinates of the data set's latents under `projection`. Attribute axes use the
// checkpoint's attribute vectors, else mean differences of the data set's labelled attributes
// or classes (one class against the rest). Throws InputError for an unknown projection.
PlaneCoordinates plane_coordinates(const std::string& projection, const Embedding& embedding,
                                   const ModelInfo& info, const MapArgs& args);

}  // namespace latentlab::cli
