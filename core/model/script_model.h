#pragma once
// A TorchScript module exported from PyTorch, following the contract in PRODUCT.md:
// torch.jit.save(module, path, _extra_files={"latentlab.json": text}); a VAE has methods
// encode(x) -> (mu, logvar) and decode(z) -> x; a GAN has forward(z) -> x and optionally
// discriminate(x) -> logits.
//
// Thread safety: running a TorchScript method from several threads at once is safe (the graph
// executor locks its own plan cache), and ScriptModel keeps no mutable state besides the device,
// so encode/decode/discriminate may run concurrently; to_device() must not.
#include <torch/script.h>

#include <string>

#include "core/model/model.h"
#include "core/model/model_info.h"

namespace latentlab {

class ScriptModel : public Model {
 public:
  // path only names the file in error messages.
  ScriptModel(torch::jit::Module module, const ModelInfo& info, bool has_discriminator,
              std::string path);

  ModelKind kind() const override { return kind_; }
  int64_t latent_dim() const override { return latent_dim_; }
  ImageShape image_shape() const override { return shape_; }
  OutputRange output_range() const override { return range_; }
  // A module that throws, returns the wrong shape, or returns NaN/Inf gives a CheckpointError
  // naming the file and the method: NaN is never passed on to the caller.
  Posterior encode(const torch::Tensor& images) override;
  torch::Tensor decode(const torch::Tensor& z) override;
  bool can_discriminate() const override { return has_discriminator_; }
  torch::Tensor discriminate(const torch::Tensor& images) override;
  torch::Device device() const override { return device_; }
  void to_device(torch::Device device) override;

 private:
  torch::Tensor check_latents(const torch::Tensor& z) const;
  torch::Tensor check_images(const torch::Tensor& images) const;
  c10::IValue run(const std::string& method, const torch::Tensor& input);
  torch::Tensor output_tensor(const c10::IValue& value, const std::string& what) const;
  [[noreturn]] void fail(const std::string& what) const;

  torch::jit::Module module_;
  ModelKind kind_;
  int64_t latent_dim_;
  ImageShape shape_;
  OutputRange range_;
  bool has_discriminator_;
  std::string path_;
  torch::Device device_ = torch::kCPU;
};

// Loads and checks a TorchScript file: the extra file, the methods the kind needs, and a trial
// decode (and encode, discriminate) for shapes and finite values. Throws CheckpointError
// "PATH: what is wrong".
struct LoadedModel;
LoadedModel load_script_model(const std::string& path, torch::Device device);

}  // namespace latentlab
