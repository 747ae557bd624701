// latentlab-cli reconstruct CKPT IMAGE... --out PNG
#include <torch/torch.h>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/model/pixels.h"

namespace latentlab::cli {
namespace {

struct ReconstructArgs {
  std::string checkpoint, out, device = "auto";
  std::vector<std::string> images;
  int scale = 1;
};

void run(const ReconstructArgs& a) {
  check_output_file(a.out);
  auto loaded = open_model(a.checkpoint, a.device);
  require_encoder(loaded, "reconstruct");
  const auto originals = read_images(a.images, loaded);
  const auto means = encode_means_in_batches(*loaded.model, originals);
  const auto reconstructions = decode_in_batches(*loaded.model, means);
  // Rows of (original, reconstruction): interleave the two along the batch.
  const auto pairs = torch::stack({originals, reconstructions}, 1).flatten(0, 1);
  const auto range = loaded.model->output_range();
  write_png(a.out, make_grid(pairs, 2, 2, range.hi), range, a.scale);
  report_written(a.out);
}

}  // namespace

void add_reconstruct_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "reconstruct", "Encode and decode images: one row per image, original | reconstruction");
  auto a = std::make_shared<ReconstructArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file (a VAE)")->required();
  verb->add_option("images", a->images,
                   "Image files of any size and channel count: centre-cropped, resized and "
                   "converted to the model's shape")
      ->required();
  add_png_output_options(verb, &a->scale, &a->out, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
