#pragma once
// DCGAN generator and discriminator (Radford et al.) for 28x28 and 64x64 images, written like
// pytorch/examples cpp/dcgan. Images are in [-1, 1] (tanh).
#include <torch/nn.h>

#include "core/common/types.h"
#include "core/model/inference_plan.h"

namespace latentlab {

struct DcganOptions {
  ImageShape image_shape{1, 28, 28};  // 28x28 or 64x64, any channel count
  int64_t latent_dim = 100;
  int64_t generator_width = 64;      // ngf: channels of the last hidden generator layer
  int64_t discriminator_width = 64;  // ndf: channels of the first discriminator layer
};

// Throws InputError for an image size other than 28x28 or 64x64.
void validate(const DcganOptions& options);

struct DcganGeneratorImpl : torch::nn::Module {
  explicit DcganGeneratorImpl(const DcganOptions& options);
  // [N, D] -> [N, C, H, W]. Without gradients and outside training through an InferencePlan
  // (batch norm folded, stride-2 transposed convolutions as ordinary ones where faster).
  torch::Tensor forward(const torch::Tensor& z);
  torch::nn::Sequential layers{nullptr};

 private:
  InferencePlan inference_;
};
TORCH_MODULE(DcganGenerator);

struct DcganDiscriminatorImpl : torch::nn::Module {
  explicit DcganDiscriminatorImpl(const DcganOptions& options);
  torch::Tensor forward(const torch::Tensor& images);  // [N, C, H, W] -> logits [N]
  torch::nn::Sequential layers{nullptr};

 private:
  InferencePlan inference_;  // as the generator's
};
TORCH_MODULE(DcganDiscriminator);

}  // namespace latentlab
