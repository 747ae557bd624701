#pragma once
#include "core/model/conv_vae.h"
#include "core/model/native_model.h"

namespace latentlab {

// The built-in convolutional VAE behind the Model interface.
class VaeModel : public NativeModel {
 public:
  static constexpr const char* kArchitecture = "conv-vae";

  explicit VaeModel(const ArchitectureSpec& spec);
  VaeModel(const ConvVaeOptions& options);

  ModelKind kind() const override { return ModelKind::Vae; }
  Posterior encode(const torch::Tensor& images) override;
  torch::Tensor decode(const torch::Tensor& z) override;
  torch::nn::Module& network() override { return *net_; }

  ConvVae& net() { return net_; }

 private:
  ConvVae net_{nullptr};
};

ConvVaeOptions conv_vae_options(const ArchitectureSpec& spec);
ArchitectureSpec architecture_spec(const ConvVaeOptions& options);

}  // namespace latentlab
