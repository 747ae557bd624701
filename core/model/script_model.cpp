#include "core/model/script_model.h"

#include <torch/torch.h>

#include "core/common/error.h"

namespace latentlab {
namespace {

std::string sizes_text(c10::IntArrayRef sizes) { return c10::str(sizes); }

}  // namespace

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

void ScriptModel::fail(const std::string& what) const {
  latentlab::fail<CheckpointError>(path_, what);
}

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
    return (use_frozen_ ? frozen_ : module_).get_method(method)({input});
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

std::string ScriptModel::decode_method() const {
  return kind_ == ModelKind::Vae ? "decode" : "forward";
}

torch::Tensor ScriptModel::module_images(const torch::Tensor& images, bool flat) const {
  return flat ? images.reshape({images.size(0), shape_.numel()}) : images;
}

Posterior ScriptModel::encode(const torch::Tensor& images) {
  if (kind_ != ModelKind::Vae)
    throw InputError("a GAN has no encoder: project the image by inversion instead");
  torch::InferenceMode guard;
  const auto x = check_images(images);
  const auto out = run("encode", module_images(x, adapters_.flat_encode_input));
  const std::vector<int64_t> want{x.size(0), latent_dim_};
  Posterior p;
  if (adapters_.joint_encode_output) {
    const auto joint = output_tensor(out, "encode()");
    if (joint.sizes() != torch::IntArrayRef{x.size(0), 2 * latent_dim_})
      fail("TorchScript encode() returned shape " + sizes_text(joint.sizes()) +
           " for images of shape " + sizes_text(x.sizes()) + ", expected [" +
           std::to_string(x.size(0)) + ", " + std::to_string(2 * latent_dim_) +
           "] (mu and logvar concatenated)");
    p = {joint.narrow(1, 0, latent_dim_).contiguous(),
         joint.narrow(1, latent_dim_, latent_dim_).contiguous()};
  } else {
    if (!out.isTuple() || out.toTupleRef().elements().size() != 2)
      fail("TorchScript encode() returned " + std::string(out.tagKind()) +
           ", expected a tuple (mu, logvar) or one tensor [N, " + std::to_string(2 * latent_dim_) +
           "] holding both");
    const auto& e = out.toTupleRef().elements();
    p = {output_tensor(e[0], "encode() mu"), output_tensor(e[1], "encode() logvar")};
  }
  if (p.mean.sizes() != want || p.logvar.sizes() != want)
    fail("TorchScript encode() returned shapes " + sizes_text(p.mean.sizes()) + " and " +
         sizes_text(p.logvar.sizes()) + " for images of shape " + sizes_text(x.sizes()) +
         ", expected " + sizes_text(want));
  return p;
}

torch::Tensor ScriptModel::decode(const torch::Tensor& z) {
  torch::InferenceMode guard;
  const auto latents = check_latents(z);
  const std::string method = decode_method();
  auto images = output_tensor(run(method, latents), method + "()");
  const int64_t n = z.size(0);
  const std::vector<int64_t> want{n, shape_.channels, shape_.height, shape_.width};
  const std::vector<int64_t> flat{n, shape_.numel()};
  if (adapters_.flat_output && images.sizes() == flat) return images.view(want);
  if (images.sizes() != want)
    fail("TorchScript " + method + "() returned shape " + sizes_text(images.sizes()) +
         " for z of shape " + sizes_text(z.sizes()) + ", expected " + sizes_text(want) + " or " +
         sizes_text(flat) + " (image_shape " + to_string(shape_) + " in latentlab.json)");
  return images;
}

torch::Tensor ScriptModel::discriminate(const torch::Tensor& images) {
  if (!has_discriminator_) return Model::discriminate(images);
  torch::InferenceMode guard;
  const auto x = check_images(images);
  auto logits = output_tensor(
      run("discriminate", module_images(x, adapters_.flat_discriminate_input)), "discriminate()");
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
  // A frozen module's constants stay where they were frozen.
  if (use_frozen_) freeze_for_inference();
}

}  // namespace latentlab
