// latentlab-cli encode CKPT IMAGE... --out FILE(.json|.npy)
#include <torch/torch.h>

#include <filesystem>

#include "app/cli/cli_analysis.h"
#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/io/latent_io.h"

namespace latentlab::cli {
namespace {

struct EncodeArgs {
  std::string checkpoint, out, device = "auto";
  std::vector<std::string> images;
  InversionArgs inversion;  // GAN checkpoints
};

void run(const EncodeArgs& a) {
  auto ext = std::filesystem::path(a.out).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext != ".json" && ext != ".npy")
    throw InputError("--out must end in .json or .npy: " + a.out);
  check_output_file(a.out);
  auto loaded = open_model(a.checkpoint, a.device);
  // A VAE encodes (posterior means); a GAN finds its latents by inversion.
  const auto means = latents_of_images(loaded, read_images(a.images, loaded), a.inversion);
  write_latents(a.out, means);
  report_written(a.out);
}

}  // namespace

void add_encode_verb(CLI::App& app) {
  auto* verb = app.add_subcommand("encode",
                                  "Encode images into latents (a VAE's posterior means; a GAN's by "
                                  "inversion), one row per image");
  auto a = std::make_shared<EncodeArgs>();
  verb->add_option("checkpoint", a->checkpoint,
                   "Model file (a VAE, or a LatentLab DCGAN for inversion)")
      ->required();
  verb->add_option("images", a->images,
                   "Image files of any size and channel count: centre-cropped, resized and "
                   "converted to the model's shape")
      ->required();
  verb->add_option("--out", a->out, "Latents file to write: .json or .npy (float32 [N, D])")
      ->required();
  add_inversion_options(verb, &a->inversion);
  add_device_option(verb, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
