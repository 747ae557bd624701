#include "app/cli/cli_common.h"

#include <ATen/Context.h>
#include <torch/torch.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <iostream>

#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/io/latent_io.h"

namespace latentlab::cli {
namespace fs = std::filesystem;
namespace {

void check_writable_folder(const fs::path& folder, const std::string& target) {
  std::error_code ec;
  if (!fs::exists(folder, ec))
    throw WriteError("cannot write '" + target + "': folder '" + folder.string() +
                     "' does not exist");
  if (!fs::is_directory(folder, ec))
    throw WriteError("cannot write '" + target + "': '" + folder.string() + "' is not a folder");
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw WriteError("cannot write '" + target + "': folder '" + folder.string() +
                     "' is not writable");
}

fs::path folder_of(const std::string& path) {
  const auto parent = fs::path(path).parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

}  // namespace

void add_device_option(CLI::App* verb, std::string* device) {
  verb->add_option(
          "--device", *device,
          "Where to run the model: auto (a CUDA GPU when there is one), cpu, cuda or cuda:N")
      ->default_val("auto");
}

void add_png_output_options(CLI::App* verb, int* scale, std::string* out, std::string* device) {
  verb->add_option("--scale", *scale, "Enlarge the image this many times (nearest neighbour)")
      ->default_val(1)
      ->check(CLI::Range(1, kMaxScale));
  verb->add_option("--out", *out, "PNG file to write")->required();
  add_device_option(verb, device);
}

LoadedModel open_model(const std::string& path, const std::string& device) {
  at::globalContext().setDeterministicCuDNN(true);
  at::globalContext().setBenchmarkCuDNN(false);
  auto loaded = load_model(path, device);
  for (const auto& warning : loaded.warnings)
    std::cerr << "latentlab-cli: warning: " << warning << std::endl;
  return loaded;
}

void require_encoder(const LoadedModel& loaded, const std::string& what) {
  if (!loaded.model->can_encode())
    throw InputError(
        loaded.path + " is a GAN, which has no encoder: " + what +
        " needs a VAE (`latentlab-cli encode` projects images into a GAN by inversion)");
}

void check_output_file(const std::string& path) {
  if (path.empty()) throw InputError("an output path is empty");
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw WriteError("cannot write '" + path + "': it is a folder");
  check_writable_folder(folder_of(path), path);
}

void check_output_folder(const std::string& path) {
  if (path.empty()) throw InputError("an output folder path is empty");
  std::error_code ec;
  fs::path existing = fs::absolute(path, ec);
  // The nearest folder that exists must be writable; the rest is created.
  while (!fs::exists(existing, ec) && existing.has_parent_path() &&
         existing != existing.parent_path())
    existing = existing.parent_path();
  if (fs::exists(existing, ec) && !fs::is_directory(existing, ec))
    throw WriteError("cannot write frames to '" + path + "': '" + existing.string() +
                     "' is not a folder");
  check_writable_folder(existing, path);
}

torch::Tensor read_images(const std::vector<std::string>& paths, const LoadedModel& loaded) {
  std::vector<torch::Tensor> images;
  images.reserve(paths.size());
  for (const auto& p : paths)
    images.push_back(read_image(p, loaded.model->image_shape(), loaded.model->output_range()));
  return torch::stack(images);
}

torch::Tensor decode_in_batches(Model& model, const torch::Tensor& z) {
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < z.size(0); i += kModelBatch)
    parts.push_back(model.decode(z.narrow(0, i, std::min(kModelBatch, z.size(0) - i))));
  return torch::cat(parts);
}

torch::Tensor encode_means_in_batches(Model& model, const torch::Tensor& images) {
  std::vector<torch::Tensor> parts;
  for (int64_t i = 0; i < images.size(0); i += kModelBatch)
    parts.push_back(
        model.encode(images.narrow(0, i, std::min(kModelBatch, images.size(0) - i))).mean);
  return torch::cat(parts);
}

void check_image_count(int64_t count) {
  constexpr int64_t kMaxCount = 10000;
  if (count < 1 || count > kMaxCount)
    throw InputError("--count must be between 1 and " + std::to_string(kMaxCount));
}

uint64_t parse_seed(const std::string& text, const std::string& what) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw InputError(what + ": '" + text + "' is not a seed (a whole number >= 0)");
  return value;
}

torch::Tensor latent_from_spec(const std::string& spec, LoadedModel& loaded) {
  const int64_t dim = loaded.model->latent_dim();
  if (spec.rfind("seed:", 0) == 0)
    return latents_from_seed(parse_seed(spec.substr(5), spec), 1, dim)[0];
  if (spec.rfind("z:", 0) == 0) {
    const std::string file = spec.substr(2);
    const auto z = read_latents(file, dim);
    if (z.size(0) != 1)
      throw InputError(file + ": holds " + std::to_string(z.size(0)) +
                       " latents, an endpoint needs exactly one");
    return z[0];
  }
  require_encoder(loaded, "an image endpoint ('" + spec + "')");
  return encode_means_in_batches(*loaded.model, read_images({spec}, loaded))[0];
}

WrittenFiles::~WrittenFiles() {
  std::error_code ec;
  for (auto it = paths_.rbegin(); it != paths_.rend(); ++it) fs::remove(*it, ec);
}

void report_written(const std::string& path) { std::cout << "wrote " << path << std::endl; }

}  // namespace latentlab::cli
