#include "core/script_model.h"

#include <torch/torch.h>

#include "core/error.h"
#include "core/model_file.h"

namespace latentlab {
namespace {

constexpr const char* kExtraFile = "latentlab.json";

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw CheckpointError(path + ": " + what);
}

torch::Tensor as_tensor(const c10::IValue& value, const std::string& what) {
  if (!value.isTensor()) throw InputError(what + " did not return a tensor");
  return value.toTensor();
}

std::string shape_text(const ImageShape& s) {
  return "[N, " + std::to_string(s.channels) + ", " + std::to_string(s.height) + ", " +
         std::to_string(s.width) + "]";
}

}  // namespace

ScriptModel::ScriptModel(torch::jit::Module module, const ModelInfo& info, bool has_discriminator)
    : module_(std::move(module)),
      kind_(info.kind),
      latent_dim_(info.latent_dim),
      shape_(info.image_shape),
      range_(info.output_range),
      has_discriminator_(has_discriminator) {
  module_.eval();
}

torch::Tensor ScriptModel::check_latents(const torch::Tensor& z) const {
  if (z.dim() != 2 || z.size(1) != latent_dim_)
    throw InputError("latents must have shape [N, " + std::to_string(latent_dim_) + "], got " +
                     c10::str(z.sizes()));
  auto out = z.to(device_, torch::kFloat32);
  if (!torch::isfinite(out).all().item<bool>()) throw InputError("latent contains NaN or Inf");
  return out;
}

torch::Tensor ScriptModel::check_images(const torch::Tensor& images) const {
  if (images.dim() != 4 || images.size(1) != shape_.channels || images.size(2) != shape_.height ||
      images.size(3) != shape_.width)
    throw InputError("images must have shape " + shape_text(shape_) + ", got " +
                     c10::str(images.sizes()));
  return images.to(device_, torch::kFloat32);
}

Posterior ScriptModel::encode(const torch::Tensor& images) {
  if (kind_ != ModelKind::Vae) throw InputError("a GAN has no encoder: project the image by inversion instead");
  torch::InferenceMode guard;
  const auto x = check_images(images);
  const auto out = module_.get_method("encode")({x});
  if (!out.isTuple() || out.toTupleRef().elements().size() != 2)
    throw InputError("TorchScript encode() must return a tuple (mu, logvar)");
  const auto& e = out.toTupleRef().elements();
  Posterior p{as_tensor(e[0], "encode() mu").to(torch::kCPU, torch::kFloat32),
              as_tensor(e[1], "encode() logvar").to(torch::kCPU, torch::kFloat32)};
  const std::vector<int64_t> want{x.size(0), latent_dim_};
  if (p.mean.sizes() != want || p.logvar.sizes() != want)
    throw InputError("TorchScript encode() returned shapes " + c10::str(p.mean.sizes()) + " and " +
                     c10::str(p.logvar.sizes()) + ", expected [N, " + std::to_string(latent_dim_) + "]");
  return p;
}

torch::Tensor ScriptModel::decode(const torch::Tensor& z) {
  torch::InferenceMode guard;
  const auto latents = check_latents(z);
  const auto out = kind_ == ModelKind::Vae ? module_.get_method("decode")({latents})
                                           : module_.forward({latents});
  auto images = as_tensor(out, "decode").to(torch::kCPU, torch::kFloat32);
  const std::vector<int64_t> want{z.size(0), shape_.channels, shape_.height, shape_.width};
  if (images.sizes() != want)
    throw InputError("TorchScript " + std::string(kind_ == ModelKind::Vae ? "decode()" : "forward()") +
                     " returned shape " + c10::str(images.sizes()) + ", expected " + shape_text(shape_));
  return images;
}

torch::Tensor ScriptModel::discriminate(const torch::Tensor& images) {
  if (!has_discriminator_) return Model::discriminate(images);
  torch::InferenceMode guard;
  const auto x = check_images(images);
  auto logits = as_tensor(module_.get_method("discriminate")({x}), "discriminate()")
                    .to(torch::kCPU, torch::kFloat32)
                    .reshape({-1});
  if (logits.size(0) != x.size(0)) throw InputError("TorchScript discriminate() must return [N] logits");
  return logits;
}

void ScriptModel::to_device(torch::Device device) {
  module_.to(device);
  device_ = device;
}

LoadedModel load_script_model(const std::string& path, torch::Device device) {
  torch::jit::ExtraFilesMap extra{{kExtraFile, ""}};
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, torch::kCPU, extra);
  } catch (const c10::Error& e) {
    fail(path, std::string("not a readable TorchScript module: ") + e.what_without_backtrace());
  }
  if (extra[kExtraFile].empty())
    fail(path, "TorchScript module has no latentlab.json extra file (see the TorchScript contract)");
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(extra[kExtraFile]);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("latentlab.json is not valid JSON: ") + e.what());
  }
  ModelInfo info;
  try {
    info = model_info_from_json(meta);
  } catch (const Error& e) {
    fail(path, std::string("latentlab.json: ") + e.what());
  }
  info.format = "torchscript";
  info.architecture = "torchscript";
  if (info.name.empty()) info.name = path;
  const bool vae = info.kind == ModelKind::Vae;
  for (const char* method : vae ? std::vector<const char*>{"encode", "decode"}
                                : std::vector<const char*>{"forward"})
    if (!module.find_method(method))
      fail(path, std::string("TorchScript ") + to_string(info.kind) + " has no method " + method + "()");
  const bool has_discriminator = !vae && module.find_method("discriminate").has_value();
  auto model = std::make_shared<ScriptModel>(std::move(module), info, has_discriminator);
  try {
    model->to_device(device);
    // A trial run proves the shapes now rather than at the first slider move.
    const auto images = model->decode(torch::zeros({1, info.latent_dim}));
    if (vae) model->encode(images);
    if (has_discriminator) model->discriminate(images);
  } catch (const Error& e) {
    fail(path, e.what());
  } catch (const c10::Error& e) {
    fail(path, std::string("TorchScript module failed a trial run: ") + e.what_without_backtrace());
  }
  return {model, info, path};
}

}  // namespace latentlab
