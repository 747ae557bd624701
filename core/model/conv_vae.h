#pragma once
// A convolutional VAE with a configurable image shape, channel widths and latent size.
// With image 1x28x28, channels {16, 32} and hidden 0 it is the classic course model: two
// stride-2 convolutions, fully connected layers to mu and log-variance, and a decoder of
// fully connected layers and transposed convolutions ending in a sigmoid.
#include <torch/nn.h>

#include <vector>

#include "core/common/types.h"
#include "core/model/inference_plan.h"

namespace latentlab {

struct ConvVaeOptions {
  ImageShape image_shape{1, 28, 28};
  std::vector<int64_t> channels{16, 32};  // one stride-2 convolution per entry
  int64_t hidden = 0;                     // width of an extra FC layer before mu/logvar (0: none)
  int64_t latent_dim = 2;
  bool batch_norm = false;
  // Images in [0, 1] end in a sigmoid; in [-1, 1] in a tanh.
  OutputRange output_range{0.0f, 1.0f};
};

struct ConvVaeImpl : torch::nn::Module {
  explicit ConvVaeImpl(const ConvVaeOptions& options);

  // Both run their layers through InferencePlans without gradients and outside training (batch
  // norm folded, activations in place, transposed convolutions as ordinary ones where faster):
  // the same values within float rounding.
  // Returns (mu, logvar), each [N, latent_dim].
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& images);
  torch::Tensor decode(const torch::Tensor& z);

  const ConvVaeOptions& options() const { return options_; }

 private:
  ConvVaeOptions options_;
  int64_t feature_height_ = 0;  // spatial size after the encoder convolutions
  int64_t feature_width_ = 0;
  torch::nn::Sequential encoder_conv_{nullptr};
  torch::nn::Sequential encoder_fc_{nullptr};
  torch::nn::Linear to_mu_{nullptr};
  torch::nn::Linear to_logvar_{nullptr};
  torch::nn::Sequential decoder_fc_{nullptr};
  torch::nn::Sequential decoder_conv_{nullptr};
  InferencePlan encoder_conv_plan_, encoder_fc_plan_, decoder_fc_plan_, decoder_conv_plan_;
};
TORCH_MODULE(ConvVae);

}  // namespace latentlab
