#pragma once
// Built-in architectures behind the Model interface, buildable from the architecture name and
// hyper-parameters stored in a checkpoint.
#include <torch/nn/module.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/model/model.h"

namespace latentlab {

// What a checkpoint records to rebuild a built-in network.
struct ArchitectureSpec {
  std::string name;                                            // "conv-vae" or "dcgan"
  nlohmann::json hyper_parameters = nlohmann::json::object();  // architecture-specific widths
  int64_t latent_dim = 2;
  ImageShape image_shape;
  OutputRange output_range;
};

class NativeModel : public Model {
 public:
  explicit NativeModel(ArchitectureSpec spec) : spec_(std::move(spec)) {}

  const ArchitectureSpec& spec() const { return spec_; }
  int64_t latent_dim() const override { return spec_.latent_dim; }
  ImageShape image_shape() const override { return spec_.image_shape; }
  OutputRange output_range() const override { return spec_.output_range; }

  // The module holding every parameter and buffer a checkpoint stores.
  virtual torch::nn::Module& network() = 0;

  torch::Device device() const override { return device_; }
  void to_device(torch::Device device) override;

 protected:
  // Checks z is [N, latent_dim] and finite; returns it as float32 on the model's device.
  torch::Tensor prepare_latents(const torch::Tensor& z) const;
  // Checks images are [N, C, H, W] of the model's shape; returns them on the model's device.
  torch::Tensor prepare_images(const torch::Tensor& images) const;
  // The network's output moved to the CPU; throws InputError when it holds NaN or Inf (weights
  // that overflow, or a latent far outside the prior), so garbage is never drawn.
  static torch::Tensor checked_output(const torch::Tensor& out, const char* what);

  ArchitectureSpec spec_;
  torch::Device device_ = torch::kCPU;
};

// Builds an untrained network (in eval mode) for the spec. Throws InputError for an unknown
// architecture name or hyper-parameters that do not describe a valid network.
std::shared_ptr<NativeModel> build_native_model(const ArchitectureSpec& spec);

}  // namespace latentlab
