#include "core/model/gan_model.h"

#include <torch/torch.h>

#include "core/common/error.h"

namespace latentlab {

DcganOptions dcgan_options(const ArchitectureSpec& spec) {
  if (!(spec.output_range == OutputRange{-1.0f, 1.0f}))
    throw InputError("dcgan: output range must be [-1, 1] (tanh)");
  DcganOptions o;
  o.image_shape = spec.image_shape;
  o.latent_dim = spec.latent_dim;
  const auto& hp = spec.hyper_parameters;
  o.generator_width = hp.value("generator_width", o.generator_width);
  o.discriminator_width = hp.value("discriminator_width", o.discriminator_width);
  return o;
}

ArchitectureSpec architecture_spec(const DcganOptions& o) {
  ArchitectureSpec spec;
  spec.name = GanModel::kArchitecture;
  spec.hyper_parameters = {{"generator_width", o.generator_width},
                           {"discriminator_width", o.discriminator_width}};
  spec.latent_dim = o.latent_dim;
  spec.image_shape = o.image_shape;
  spec.output_range = {-1.0f, 1.0f};
  return spec;
}

GanNetworkImpl::GanNetworkImpl(const DcganOptions& options)
    : generator(register_module("generator", DcganGenerator(options))),
      discriminator(register_module("discriminator", DcganDiscriminator(options))) {}

GanModel::GanModel(const ArchitectureSpec& spec)
    : NativeModel(spec), net_(GanNetwork(dcgan_options(spec))) {
  net_->eval();
}

GanModel::GanModel(const DcganOptions& options) : GanModel(architecture_spec(options)) {}

Posterior GanModel::encode(const torch::Tensor&) {
  throw InputError("a GAN has no encoder: project the image by inversion instead");
}

torch::Tensor GanModel::decode(const torch::Tensor& z) {
  torch::InferenceMode guard;
  return checked_output(net_->generator->forward(prepare_latents(z)), "generator");
}

torch::Tensor GanModel::discriminate(const torch::Tensor& images) {
  torch::InferenceMode guard;
  return checked_output(net_->discriminator->forward(prepare_images(images)), "discriminator");
}

}  // namespace latentlab
