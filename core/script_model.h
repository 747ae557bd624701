#pragma once
// A TorchScript module exported from PyTorch, following the contract in PRODUCT.md:
// torch.jit.save(module, path, _extra_files={"latentlab.json": text}); a VAE has methods
// encode(x) -> (mu, logvar) and decode(z) -> x; a GAN has forward(z) -> x and optionally
// discriminate(x) -> logits.
#include <torch/script.h>

#include <string>

#include "core/model.h"
#include "core/model_info.h"

namespace latentlab {

class ScriptModel : public Model {
 public:
  ScriptModel(torch::jit::Module module, const ModelInfo& info, bool has_discriminator);

  ModelKind kind() const override { return kind_; }
  int64_t latent_dim() const override { return latent_dim_; }
  ImageShape image_shape() const override { return shape_; }
  OutputRange output_range() const override { return range_; }
  Posterior encode(const torch::Tensor& images) override;
  torch::Tensor decode(const torch::Tensor& z) override;
  bool can_discriminate() const override { return has_discriminator_; }
  torch::Tensor discriminate(const torch::Tensor& images) override;
  torch::Device device() const override { return device_; }
  void to_device(torch::Device device) override;

 private:
  torch::Tensor check_latents(const torch::Tensor& z) const;
  torch::Tensor check_images(const torch::Tensor& images) const;

  torch::jit::Module module_;
  ModelKind kind_;
  int64_t latent_dim_;
  ImageShape shape_;
  OutputRange range_;
  bool has_discriminator_;
  torch::Device device_ = torch::kCPU;
};

// Loads and checks a TorchScript file: the extra file, the methods the kind needs, and the
// shapes a trial decode (and encode) return. Throws CheckpointError naming what is missing.
struct LoadedModel;
LoadedModel load_script_model(const std::string& path, torch::Device device);

}  // namespace latentlab
