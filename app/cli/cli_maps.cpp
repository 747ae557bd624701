#include "app/cli/cli_maps.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>

#include "app/cli/progress_line.h"
#include "core/analysis/attribute_axes.h"
#include "core/analysis/projection.h"
#include "core/analysis/tsne.h"
#include "core/analysis/umap.h"
#include "core/common/error.h"
#include "core/fitting/attributes.h"

namespace latentlab::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kStepsPerUpdate = 10;  // epochs or iterations between progress lines

std::string format(const char* pattern, double a, double b = 0.0, double c = 0.0) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, pattern, a, b, c);
  return buffer;
}

MapProgress phase_progress(ProgressLine& line, const std::string& name) {
  return [&line, name](int64_t done, int64_t total) {
    line.update(name + ": neighbours and graph " + std::to_string(done * 100 / total) + "%");
    return true;
  };
}

PlaneCoordinates run_umap(const torch::Tensor& latents, const MapArgs& args) {
  UmapOptions options;
  options.neighbours = args.neighbours;
  options.min_dist = args.min_dist;
  options.epochs = args.iterations;
  options.seed = args.seed;
  Umap umap(options);
  ProgressLine line;
  const auto started = Clock::now();
  umap.initialize(latents, phase_progress(line, "UMAP"));
  const double prepared = seconds_since(started);
  while (umap.step(kStepsPerUpdate) > 0)
    line.update("UMAP: epoch " + std::to_string(umap.epoch()) + "/" +
                std::to_string(umap.total_epochs()));
  line.clear();
  const double total = seconds_since(started);
  const auto curve = umap.curve();
  return {umap.embedding().to(torch::kFloat64),
          "projection umap: " + std::to_string(umap.size()) + " points, " +
              std::to_string(options.neighbours) + " neighbours (" +
              to_string(umap.index().method()) + "), " + std::to_string(umap.total_epochs()) +
              " epochs, seed " + std::to_string(args.seed) +
              format(", min-dist %g (a %.4f, b %.4f)", args.min_dist, curve.a, curve.b) +
              format(" (%.3f s: neighbours, graph and start %.3f s, layout %.3f s)", total,
                     prepared, total - prepared)};
}

PlaneCoordinates run_tsne(const torch::Tensor& latents, const MapArgs& args) {
  TsneOptions options;
  options.perplexity = args.perplexity;
  if (args.iterations > 0) options.iterations = args.iterations;
  options.seed = args.seed;
  Tsne tsne(options);
  ProgressLine line;
  const auto started = Clock::now();
  tsne.initialize(latents, phase_progress(line, "t-SNE"));
  const double prepared = seconds_since(started);
  while (tsne.step(kStepsPerUpdate) > 0)
    line.update("t-SNE: iteration " + std::to_string(tsne.iteration()) + "/" +
                std::to_string(tsne.total_iterations()) +
                format(", KL %.4f", tsne.kl_divergence()));
  line.clear();
  const double total = seconds_since(started);
  return {tsne.embedding().to(torch::kFloat64),
          "projection tsne: " + std::to_string(tsne.size()) + " points, " +
              format("perplexity %g, ", tsne.perplexity()) +
              std::to_string(tsne.total_iterations()) + " iterations (" + to_string(tsne.method()) +
              "), seed " + std::to_string(args.seed) + format(", KL %.4f", tsne.kl_divergence()) +
              format(" (%.3f s: affinities and start %.3f s, layout %.3f s)", total, prepared,
                     total - prepared)};
}

}  // namespace

void add_map_options(CLI::App* verb, MapArgs* args) {
  const std::string group = "UMAP and t-SNE";
  verb->add_option("--neighbours", args->neighbours, "UMAP: neighbours per point (with itself)")
      ->default_val(args->neighbours)
      ->group(group);
  verb->add_option("--min-dist", args->min_dist, "UMAP: how tightly points may pack")
      ->default_val(args->min_dist)
      ->group(group);
  verb->add_option("--perplexity", args->perplexity, "t-SNE: effective number of neighbours")
      ->default_val(args->perplexity)
      ->group(group);
  verb->add_option("--iterations", args->iterations,
                   "UMAP epochs or t-SNE iterations (0: 500/200 epochs, 1000 iterations)")
      ->default_val(args->iterations)
      ->group(group);
  verb->add_option("--seed", args->seed, "Random seed of the layout")
      ->default_val(args->seed)
      ->group(group);
}

PlaneCoordinates plane_coordinates(const std::string& projection, const Embedding& embedding,
                                   const ModelInfo& info, const MapArgs& args) {
  const auto& latents = embedding.means;
  if (projection == "umap") return run_umap(latents, args);
  if (projection == "tsne") return run_tsne(latents, args);
  if (projection != "pca" && projection.rfind("dims:", 0) != 0 &&
      projection.rfind("attributes:", 0) != 0)
    throw InputError("unknown projection '" + projection +
                     "' (use pca, dims:I,J, attributes:A,B, attributes:A, umap or tsne)");
  const auto started = Clock::now();
  const auto p =
      projection.rfind("attributes:", 0) == 0
          ? attribute_projection(projection, attribute_directions(info, embedding), latents)
          : make_projection(projection, latents);
  const auto xy = p.project(latents);
  const auto ratio = p.explained_variance_ratio;
  return {xy, "projection " + p.kind + ": axes " + p.axis_names[0] + ", " + p.axis_names[1] +
                  format("; explained variance ratio %.4f, %.4f (%.3f s)", ratio[0].item<double>(),
                         ratio[1].item<double>(), seconds_since(started))};
}

}  // namespace latentlab::cli
