// latentlab-cli decode CKPT (--z FILE | --seed N) [--count K] [--scale S] --out PNG
#include <torch/torch.h>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/io/latent_io.h"
#include "core/model/pixels.h"

namespace latentlab::cli {
namespace {

struct DecodeArgs {
  std::string checkpoint, z_file, out, device = "auto";
  std::optional<uint64_t> seed;
  int64_t count = 1;
  int64_t columns = 0;
  double truncation = 0.0;
  int scale = 1;
};

void run(const DecodeArgs& a, bool count_given, bool truncation_given) {
  if (a.z_file.empty() == !a.seed.has_value())
    throw InputError("decode needs --z FILE or --seed N");
  if (!a.z_file.empty() && (count_given || truncation_given))
    throw InputError("--count and --truncation go with --seed, not --z");
  check_image_count(a.count);
  if (a.columns < 0) throw InputError("--columns must be positive");
  check_output_file(a.out);
  auto loaded = open_model(a.checkpoint, a.device);
  const int64_t dim = loaded.model->latent_dim();
  const auto z = a.z_file.empty() ? latents_from_seed(*a.seed, a.count, dim, a.truncation)
                                  : read_latents(a.z_file, dim);
  const auto images = decode_in_batches(*loaded.model, z);
  const auto range = loaded.model->output_range();
  const auto picture =
      images.size(0) == 1
          ? images[0]
          : make_grid(images, a.columns > 0 ? a.columns : square_grid_columns(images.size(0)), 2,
                      range.hi);
  write_png(a.out, picture, range, a.scale);
  report_written(a.out);
}

}  // namespace

void add_decode_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "decode", "Decode latents from a file or a seed into an image (a grid for several latents)");
  auto a = std::make_shared<DecodeArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file (LatentLab checkpoint or TorchScript)")
      ->required();
  auto* z = verb->add_option("--z", a->z_file,
                             "Latents: JSON (an array of D numbers, or an array of such arrays) or "
                             "a float32/float64 .npy of shape [D] or [N, D]");
  auto* seed =
      verb->add_option("--seed", a->seed, "Draw the latents from the prior with this seed");
  z->excludes(seed);
  auto* count = verb->add_option("--count", a->count, "With --seed: how many latents to draw")
                    ->default_val(1);
  auto* truncation =
      verb->add_option("--truncation", a->truncation,
                       "With --seed: redraw latent values with |z| above this (0: none)")
          ->default_val(0.0);
  verb->add_option("--columns", a->columns, "Grid columns (default: a square grid)");
  add_png_output_options(verb, &a->scale, &a->out, &a->device);
  verb->callback([a, count, truncation] { run(*a, count->count() > 0, truncation->count() > 0); });
}

}  // namespace latentlab::cli
