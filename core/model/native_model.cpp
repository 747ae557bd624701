#include "core/model/native_model.h"

#include "core/common/error.h"
#include "core/model/gan_model.h"
#include "core/model/vae_model.h"

namespace latentlab {

void NativeModel::to_device(torch::Device device) {
  network().to(device);
  device_ = device;
}

torch::Tensor NativeModel::prepare_latents(const torch::Tensor& z) const {
  if (z.dim() != 2 || z.size(1) != spec_.latent_dim)
    throw InputError("latents must have shape [N, " + std::to_string(spec_.latent_dim) + "], got " +
                     c10::str(z.sizes()));
  auto out = z.to(device_, torch::kFloat32);
  if (!torch::isfinite(out).all().item<bool>()) throw InputError("latent contains NaN or Inf");
  return out;
}

torch::Tensor NativeModel::prepare_images(const torch::Tensor& images) const {
  const auto& s = spec_.image_shape;
  if (images.dim() != 4 || images.size(1) != s.channels || images.size(2) != s.height ||
      images.size(3) != s.width)
    throw InputError("images must have shape [N, " + std::to_string(s.channels) + ", " +
                     std::to_string(s.height) + ", " + std::to_string(s.width) + "], got " +
                     c10::str(images.sizes()));
  return images.to(device_, torch::kFloat32);
}

torch::Tensor NativeModel::checked_output(const torch::Tensor& out, const char* what) {
  auto cpu = out.to(torch::kCPU);
  if (!torch::isfinite(cpu).all().item<bool>())
    throw InputError(std::string("the model's ") + what + " returned NaN or Inf");
  return cpu;
}

std::shared_ptr<NativeModel> build_native_model(const ArchitectureSpec& spec) {
  try {
    if (spec.name == VaeModel::kArchitecture) return std::make_shared<VaeModel>(spec);
    if (spec.name == GanModel::kArchitecture) return std::make_shared<GanModel>(spec);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("architecture '" + spec.name + "': bad hyper-parameters: " + e.what());
  }
  throw InputError("unknown architecture '" + spec.name + "' (known: conv-vae, dcgan)");
}

}  // namespace latentlab
