#include "core/model/native_model.h"

#include <algorithm>
#include <cstring>

#include "core/common/error.h"
#include "core/model/gan_model.h"
#include "core/model/vae_model.h"

namespace latentlab {
namespace {

constexpr uint32_t kExponentBits = 0x7f800000u;  // all ones: Inf or NaN

// Whether every value is finite. For float32 on the CPU a scan of the exponent bits (an integer
// max the compiler vectorises: about a microsecond for a 64x64 RGB image) instead of
// isfinite().all(), whose two temporaries and reduction dispatch cost more than the scan on
// every slider move.
bool all_finite(const torch::Tensor& t) {
  if (!t.device().is_cpu() || t.scalar_type() != torch::kFloat32 || !t.is_contiguous())
    return torch::isfinite(t).all().item<bool>();
  const auto* data = static_cast<const char*>(t.data_ptr());
  uint32_t largest = 0;
  for (int64_t i = 0, n = t.numel(); i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, data + i * sizeof bits, sizeof bits);
    largest = std::max(largest, bits & kExponentBits);
  }
  return largest != kExponentBits;
}

}  // namespace

void NativeModel::to_device(torch::Device device) {
  network().to(device);
  device_ = device;
}

torch::Tensor NativeModel::prepare_latents(const torch::Tensor& z) const {
  if (z.dim() != 2 || z.size(1) != spec_.latent_dim)
    throw InputError("latents must have shape [N, " + std::to_string(spec_.latent_dim) + "], got " +
                     c10::str(z.sizes()));
  auto out = z.to(device_, torch::kFloat32);
  if (!all_finite(out)) throw InputError("latent contains NaN or Inf");
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
  if (!all_finite(cpu))
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
