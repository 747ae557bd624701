// load_script_model: a TorchScript file checked against the contract (script_model.h) before it
// is used: the zip's checksums, the latentlab.json extra file, the methods the kind needs, and a
// trial run that also finds the variants that are adapted.
#include <torch/torch.h>

#include <filesystem>

#include "core/common/error.h"
#include "core/data/dataset_spec_paths.h"
#include "core/io/untrusted_json.h"
#include "core/io/zip_check.h"
#include "core/model/model_file.h"
#include "core/model/script_model.h"

namespace latentlab {
namespace {

constexpr const char* kExtraFile = "latentlab.json";
constexpr const char* kSaveHint =
    "TorchScript files are written by torch.jit.save(torch.jit.script(model), path, "
    "_extra_files={\"latentlab.json\": json.dumps({...})}), not by torch.save";
constexpr const char* kExtraFileHint =
    "save it with torch.jit.save(module, path, _extra_files={\"latentlab.json\": "
    "json.dumps({\"kind\": ..., \"latent_dim\": ..., \"image_shape\": [C, H, W]})})";

std::string describe(const ModelInfo& info) {
  return "latentlab.json: kind " + to_string(info.kind) + ", latent_dim " +
         std::to_string(info.latent_dim) + ", image_shape " + to_string(info.image_shape);
}

ModelInfo read_extra_file(const std::string& text, const std::string& path) {
  if (text.empty())
    fail<CheckpointError>(
        path,
        std::string("TorchScript module has no latentlab.json extra file; ") + kExtraFileHint);
  nlohmann::json meta;
  try {
    meta = parse_untrusted_json(text);
  } catch (const nlohmann::json::exception& e) {
    fail<CheckpointError>(path, std::string("latentlab.json is not valid JSON: ") + e.what());
  }
  if (!meta.is_object()) fail<CheckpointError>(path, "latentlab.json must hold a JSON object");
  for (const char* key : {"kind", "latent_dim", "image_shape"})
    if (!meta.contains(key))
      fail<CheckpointError>(path, std::string("latentlab.json has no \"") + key +
                                      "\" (the contract needs kind, latent_dim and image_shape)");
  ModelInfo info;
  try {
    info = model_info_from_json(meta);
  } catch (const Error& e) {
    fail<CheckpointError>(path, std::string("latentlab.json: ") + e.what());
  }
  info.format = "torchscript";
  info.architecture = "torchscript";
  info.adapted.clear();  // found by the trial run, not declared
  const std::filesystem::path file(path);
  if (info.name.empty()) info.name = file.filename().string();
  const std::string folder = file.parent_path().empty() ? "." : file.parent_path().string();
  for (auto& spec : info.datasets) spec = resolve_dataset_spec(spec, folder);
  return info;
}

}  // namespace

LoadedModel load_script_model(const std::string& path, torch::Device device) {
  // LibTorch would load damaged weights silently; the CRC-32 of every record is checked first.
  verify_zip_checksums(path);
  torch::jit::ExtraFilesMap extra{{kExtraFile, ""}};
  torch::jit::Module module;
  try {
    // Mapping to the target device at once also opens files exported from a GPU on a CPU.
    module = torch::jit::load(path, device, extra);
  } catch (const std::exception& e) {
    fail<CheckpointError>(
        path, "cannot be read as a TorchScript module (" + torch_message(e) + "); " + kSaveHint);
  }
  LoadedModel loaded;
  loaded.path = path;
  loaded.info = read_extra_file(extra[kExtraFile], path);
  const ModelInfo& info = loaded.info;

  const bool vae = info.kind == ModelKind::Vae;
  for (const char* method :
       vae ? std::vector<const char*>{"encode", "decode"} : std::vector<const char*>{"forward"})
    if (!module.find_method(method))
      fail<CheckpointError>(
          path, std::string("TorchScript ") + (vae ? "VAE" : "GAN") + " has no method " + method +
                    "(); the contract needs " +
                    (vae ? "encode(x) -> (mu, logvar) and decode(z) -> x" : "forward(z) -> x"));
  const bool has_discriminator = !vae && module.find_method("discriminate").has_value();
  auto model = std::make_shared<ScriptModel>(std::move(module), info, has_discriminator, path);
  model->to_device(device);
  try {
    loaded.info.adapted = model->fit_to_contract();
  } catch (const Error& e) {
    throw CheckpointError(std::string(e.what()) + " (trial run at load; " + describe(info) + ")");
  }
  model->freeze_for_inference();
  loaded.model = model;
  return loaded;
}

}  // namespace latentlab
