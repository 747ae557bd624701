// latentlab-cli sample CKPT --count N [--seed S] [--truncation T] --out GRID.png
#include <torch/torch.h>

#include <iostream>
#include <random>

#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/model/pixels.h"

namespace latentlab::cli {
namespace {

struct SampleArgs {
  std::string checkpoint, out, device = "auto";
  std::string source = "prior";  // prior | gmm | gmm:K
  int64_t count = 16;
  int64_t columns = 0;
  std::optional<uint64_t> seed;
  double truncation = 0.0;
  int scale = 1;
};

void run(const SampleArgs& a) {
  check_image_count(a.count);
  if (a.columns < 0) throw InputError("--columns must be positive");
  check_output_file(a.out);
  auto loaded = open_model(a.checkpoint, a.device);
  // Without --seed, a fresh one; printed so the grid can be made again.
  const uint64_t seed =
      a.seed ? *a.seed : (uint64_t(std::random_device{}()) << 32) | std::random_device{}();
  const auto z = sample_latents(a.source, loaded, a.count, seed, a.truncation);
  const auto images = decode_in_batches(*loaded.model, z);
  const auto range = loaded.model->output_range();
  const int64_t columns = a.columns > 0 ? a.columns : square_grid_columns(a.count);
  write_png(a.out, make_grid(images, columns, 2, range.hi), range, a.scale);
  if (!a.seed) std::cout << "seed " << seed << std::endl;
  report_written(a.out);
}

}  // namespace

void add_sample_verb(CLI::App& app) {
  auto* verb =
      app.add_subcommand("sample", "Draw latents from the prior and write a grid of the images");
  auto a = std::make_shared<SampleArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file (LatentLab checkpoint or TorchScript)")
      ->required();
  verb->add_option("--count", a->count, "How many images")->default_val(16);
  verb->add_option("--seed", a->seed,
                   "Seed of the latents (same seed, same grid); without it a fresh seed is "
                   "drawn and printed");
  verb->add_option("--truncation", a->truncation,
                   "Truncation trick: redraw latent values with |z| above this (0: none)")
      ->default_val(0.0);
  verb->add_option("--source", a->source,
                   "Where latents come from: prior, gmm (the checkpoint's mixture) or gmm:K (its "
                   "component K, from 0)")
      ->default_val("prior");
  verb->add_option("--columns", a->columns, "Grid columns (default: a square grid)");
  add_png_output_options(verb, &a->scale, &a->out, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
