#include "core/model/vae_model.h"

#include <torch/torch.h>

namespace latentlab {

ConvVaeOptions conv_vae_options(const ArchitectureSpec& spec) {
  ConvVaeOptions o;
  o.image_shape = spec.image_shape;
  o.latent_dim = spec.latent_dim;
  o.output_range = spec.output_range;
  const auto& hp = spec.hyper_parameters;
  o.channels = hp.value("channels", o.channels);
  o.hidden = hp.value("hidden", o.hidden);
  o.batch_norm = hp.value("batch_norm", o.batch_norm);
  return o;
}

ArchitectureSpec architecture_spec(const ConvVaeOptions& o) {
  ArchitectureSpec spec;
  spec.name = VaeModel::kArchitecture;
  spec.hyper_parameters = {
      {"channels", o.channels}, {"hidden", o.hidden}, {"batch_norm", o.batch_norm}};
  spec.latent_dim = o.latent_dim;
  spec.image_shape = o.image_shape;
  spec.output_range = o.output_range;
  return spec;
}

VaeModel::VaeModel(const ArchitectureSpec& spec)
    : NativeModel(spec), net_(ConvVae(conv_vae_options(spec))) {
  net_->eval();
}

VaeModel::VaeModel(const ConvVaeOptions& options) : VaeModel(architecture_spec(options)) {}

Posterior VaeModel::encode(const torch::Tensor& images) {
  torch::InferenceMode guard;
  auto [mu, logvar] = net_->encode(prepare_images(images));
  return {checked_output(mu, "encoder"), checked_output(logvar, "encoder")};
}

torch::Tensor VaeModel::decode(const torch::Tensor& z) {
  torch::InferenceMode guard;
  return checked_output(net_->decode(prepare_latents(z)), "decoder");
}

}  // namespace latentlab
