#pragma once
// Helpers shared by the image verbs of latentlab-cli (decode, encode, reconstruct, interpolate,
// sample): opening the model, reading endpoints and images, checking and undoing outputs.
#include <torch/types.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/model/model_file.h"

namespace latentlab::cli {

// Adds --device (auto, cpu, cuda, cuda:N; default auto) bound to *device.
void add_device_option(CLI::App* verb, std::string* device);

// Adds --scale (nearest-neighbour enlargement, 1..kMaxScale), --out (the PNG to write) and
// --device: the options every verb that writes one image shares.
void add_png_output_options(CLI::App* verb, int* scale, std::string* out, std::string* device);

// load_model with deterministic cuDNN, so the same inputs give the same pixels on a GPU too; the
// model's warnings (an analysis store that was not applied) go to stderr, one line each.
LoadedModel open_model(const std::string& path, const std::string& device);

// Throws InputError "CKPT is a GAN: ..." when the model cannot encode images.
void require_encoder(const LoadedModel& loaded, const std::string& what);

// Throws WriteError before any work is done when `path` cannot be created: its folder is
// missing, not a folder or not writable, or the path is a folder.
void check_output_file(const std::string& path);
// The same for a folder that will be created if needed (for numbered frames).
void check_output_folder(const std::string& path);

// Images from files, converted to the model's shape and range: [N, C, H, W].
torch::Tensor read_images(const std::vector<std::string>& paths, const LoadedModel& loaded);

// Model calls in batches of kModelBatch, so a long list never needs one huge tensor on the device.
constexpr int64_t kModelBatch = 256;
torch::Tensor decode_in_batches(Model& model, const torch::Tensor& z);
torch::Tensor encode_means_in_batches(Model& model, const torch::Tensor& images);

// An endpoint of an interpolation: "seed:N" (latents_from_seed(N, 1, D)), "z:FILE" (a file of
// exactly one latent) or an image path (its posterior mean; VAE only). Returns [D].
torch::Tensor latent_from_spec(const std::string& spec, LoadedModel& loaded);

// Throws InputError unless 1 <= --count <= 10,000 (the images decode and sample write in one grid).
void check_image_count(int64_t count);

// Parses a non-negative integer seed, throwing InputError naming `what` otherwise.
uint64_t parse_seed(const std::string& text, const std::string& what);

// Files written by one command: removed again unless commit() is called, so a failing command
// leaves no output behind.
class WrittenFiles {
 public:
  WrittenFiles() = default;
  WrittenFiles(const WrittenFiles&) = delete;
  WrittenFiles& operator=(const WrittenFiles&) = delete;
  ~WrittenFiles();
  void add(const std::string& path) { paths_.push_back(path); }
  void commit() { paths_.clear(); }

 private:
  std::vector<std::string> paths_;  // removed in reverse order: files before their folders
};

// Prints "wrote PATH" on stdout.
void report_written(const std::string& path);

}  // namespace latentlab::cli
