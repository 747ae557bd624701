#include "core/model/script_model.h"

#include <torch/torch.h>

#include <filesystem>

#include "core/common/error.h"
#include "core/io/untrusted_json.h"
#include "core/io/zip_check.h"
#include "core/model/model_file.h"

namespace latentlab {
namespace {

constexpr const char* kExtraFile = "latentlab.json";
constexpr const char* kSaveHint =
    "TorchScript files are written by torch.jit.save(torch.jit.script(model), path, "
    "_extra_files={\"latentlab.json\": json.dumps({...})}), not by torch.save";
constexpr const char* kExtraFileHint =
    "save it with torch.jit.save(module, path, _extra_files={\"latentlab.json\": "
    "json.dumps({\"kind\": ..., \"latent_dim\": ..., \"image_shape\": [C, H, W]})})";

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw CheckpointError(path + ": " + what);
}

// LibTorch's text for an exception, on one line. The TorchScript interpreter throws a plain
// std::runtime_error holding two tracebacks; its last line is the error itself.
std::string torch_message(const std::exception& e) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = c10_error ? c10_error->what_without_backtrace() : e.what();
  if (text.find("Traceback of TorchScript") != std::string::npos) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    text = text.substr(text.rfind('\n') + 1);  // npos + 1 == 0: the whole text
  }
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

std::string sizes_text(c10::IntArrayRef sizes) { return c10::str(sizes); }

std::string describe(const ModelInfo& info) {
  return "latentlab.json: kind " + to_string(info.kind) + ", latent_dim " +
         std::to_string(info.latent_dim) + ", image_shape " + to_string(info.image_shape);
}

}  // namespace

ScriptModel::ScriptModel(torch::jit::Module module, const ModelInfo& info, bool has_discriminator,
                         std::string path)
    : module_(std::move(module)),
      kind_(info.kind),
      latent_dim_(info.latent_dim),
      shape_(info.image_shape),
      range_(info.output_range),
      has_discriminator_(has_discriminator),
      path_(std::move(path)) {
  // A module exported in training mode would use batch statistics and dropout.
  module_.eval();
}

void ScriptModel::fail(const std::string& what) const { latentlab::fail(path_, what); }

torch::Tensor ScriptModel::check_latents(const torch::Tensor& z) const {
  if (z.dim() != 2 || z.size(1) != latent_dim_)
    throw InputError("latents must have shape [N, " + std::to_string(latent_dim_) + "], got " +
                     sizes_text(z.sizes()));
  auto out = z.to(device_, torch::kFloat32);
  if (!torch::isfinite(out).all().item<bool>()) throw InputError("latent contains NaN or Inf");
  return out;
}

torch::Tensor ScriptModel::check_images(const torch::Tensor& images) const {
  if (images.dim() != 4 || images.size(1) != shape_.channels || images.size(2) != shape_.height ||
      images.size(3) != shape_.width)
    throw InputError("images must have shape [N, " + std::to_string(shape_.channels) + ", " +
                     std::to_string(shape_.height) + ", " + std::to_string(shape_.width) +
                     "], got " + sizes_text(images.sizes()));
  return images.to(device_, torch::kFloat32);
}

// Errors raised inside the module become CheckpointErrors naming the file: callers (the render
// worker, the CLI) only need to catch latentlab::Error.
c10::IValue ScriptModel::run(const std::string& method, const torch::Tensor& input) {
  try {
    return module_.get_method(method)({input});
  } catch (const std::exception& e) {
    fail("TorchScript " + method + "() failed on input of shape " + sizes_text(input.sizes()) +
         ": " + torch_message(e));
  }
}

torch::Tensor ScriptModel::output_tensor(const c10::IValue& value, const std::string& what) const {
  if (!value.isTensor())
    fail("TorchScript " + what + " returned " + value.tagKind() + ", expected a tensor");
  auto out = value.toTensor().to(torch::kCPU, torch::kFloat32).contiguous();
  if (!torch::isfinite(out).all().item<bool>())
    fail("TorchScript " + what + " returned NaN or Inf");
  return out;
}

Posterior ScriptModel::encode(const torch::Tensor& images) {
  if (kind_ != ModelKind::Vae)
    throw InputError("a GAN has no encoder: project the image by inversion instead");
  torch::InferenceMode guard;
  const auto x = check_images(images);
  const auto out = run("encode", x);
  if (!out.isTuple() || out.toTupleRef().elements().size() != 2)
    fail("TorchScript encode() returned " + std::string(out.tagKind()) +
         ", expected a tuple (mu, logvar)");
  const auto& e = out.toTupleRef().elements();
  Posterior p{output_tensor(e[0], "encode() mu"), output_tensor(e[1], "encode() logvar")};
  const std::vector<int64_t> want{x.size(0), latent_dim_};
  if (p.mean.sizes() != want || p.logvar.sizes() != want)
    fail("TorchScript encode() returned shapes " + sizes_text(p.mean.sizes()) + " and " +
         sizes_text(p.logvar.sizes()) + " for images of shape " + sizes_text(x.sizes()) +
         ", expected " + sizes_text(want));
  return p;
}

torch::Tensor ScriptModel::decode(const torch::Tensor& z) {
  torch::InferenceMode guard;
  const auto latents = check_latents(z);
  const std::string method = kind_ == ModelKind::Vae ? "decode" : "forward";
  auto images = output_tensor(run(method, latents), method + "()");
  const std::vector<int64_t> want{z.size(0), shape_.channels, shape_.height, shape_.width};
  if (images.sizes() != want)
    fail("TorchScript " + method + "() returned shape " + sizes_text(images.sizes()) +
         " for z of shape " + sizes_text(z.sizes()) + ", expected " + sizes_text(want));
  return images;
}

torch::Tensor ScriptModel::discriminate(const torch::Tensor& images) {
  if (!has_discriminator_) return Model::discriminate(images);
  torch::InferenceMode guard;
  const auto x = check_images(images);
  auto logits = output_tensor(run("discriminate", x), "discriminate()");
  // [N] by the contract; [N, 1] (a Linear head) is accepted as well.
  if (logits.numel() != x.size(0) || (logits.dim() > 1 && logits.size(0) != x.size(0)))
    fail("TorchScript discriminate() returned shape " + sizes_text(logits.sizes()) +
         " for images of shape " + sizes_text(x.sizes()) + ", expected [" +
         std::to_string(x.size(0)) + "] logits");
  return logits.reshape({-1});
}

void ScriptModel::to_device(torch::Device device) {
  module_.to(device);
  device_ = device;
}

LoadedModel load_script_model(const std::string& path, torch::Device device) {
  // LibTorch would load damaged weights silently; the CRC-32 of every record is checked first.
  verify_zip_checksums(path);
  torch::jit::ExtraFilesMap extra{{kExtraFile, ""}};
  torch::jit::Module module;
  try {
    // Mapping to the target device at once also opens files exported from a GPU on a CPU.
    module = torch::jit::load(path, device, extra);
  } catch (const std::exception& e) {
    fail(path, "cannot be read as a TorchScript module (" + torch_message(e) + "); " + kSaveHint);
  }
  const std::string& text = extra[kExtraFile];
  if (text.empty())
    fail(path,
         std::string("TorchScript module has no latentlab.json extra file; ") + kExtraFileHint);
  nlohmann::json meta;
  try {
    meta = parse_untrusted_json(text);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("latentlab.json is not valid JSON: ") + e.what());
  }
  if (!meta.is_object()) fail(path, "latentlab.json must hold a JSON object");
  for (const char* key : {"kind", "latent_dim", "image_shape"})
    if (!meta.contains(key))
      fail(path, std::string("latentlab.json has no \"") + key +
                     "\" (the contract needs kind, latent_dim and image_shape)");
  ModelInfo info;
  try {
    info = model_info_from_json(meta);
  } catch (const Error& e) {
    fail(path, std::string("latentlab.json: ") + e.what());
  }
  info.format = "torchscript";
  info.architecture = "torchscript";
  if (info.name.empty()) info.name = std::filesystem::path(path).filename().string();

  const bool vae = info.kind == ModelKind::Vae;
  for (const char* method :
       vae ? std::vector<const char*>{"encode", "decode"} : std::vector<const char*>{"forward"})
    if (!module.find_method(method))
      fail(path, std::string("TorchScript ") + (vae ? "VAE" : "GAN") + " has no method " + method +
                     "(); the contract needs " +
                     (vae ? "encode(x) -> (mu, logvar) and decode(z) -> x" : "forward(z) -> x"));
  const bool has_discriminator = !vae && module.find_method("discriminate").has_value();
  auto model = std::make_shared<ScriptModel>(std::move(module), info, has_discriminator, path);
  model->to_device(device);

  // A trial run proves the metadata against the module now rather than at the first slider move:
  // a batch of two (z = 0 and a ramp) also catches modules that mishandle the batch dimension.
  try {
    const auto z = torch::stack(
        {torch::zeros({info.latent_dim}), torch::linspace(-1.0, 1.0, info.latent_dim)});
    const auto images = model->decode(z);
    if (vae) model->encode(images);
    if (has_discriminator) model->discriminate(images);
  } catch (const Error& e) {
    throw CheckpointError(std::string(e.what()) + " (trial run at load; " + describe(info) + ")");
  }
  return {model, info, path};
}

}  // namespace latentlab
