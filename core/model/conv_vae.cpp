#include "core/model/conv_vae.h"

#include "core/common/error.h"

namespace latentlab {
namespace {

// Kernel 4, stride 2, padding 1 halves (encoder) or doubles (decoder) the size exactly.
constexpr int64_t kKernel = 4;
constexpr int64_t kStride = 2;
constexpr int64_t kPadding = 1;

void validate(const ConvVaeOptions& o) {
  if (o.channels.empty()) throw InputError("conv-vae: channels must not be empty");
  // Each entry halves the image: more than 12 cannot fit the largest image (4096).
  if (o.channels.size() > 12) throw InputError("conv-vae: at most 12 channels entries");
  for (int64_t c : o.channels)
    if (c < 1) throw InputError("conv-vae: channels must be positive, got " + std::to_string(c));
  if (o.latent_dim < 1) throw InputError("conv-vae: latent_dim must be >= 1");
  const bool unit = o.output_range == OutputRange{0.0f, 1.0f};
  if (!unit && !(o.output_range == OutputRange{-1.0f, 1.0f}))
    throw InputError("conv-vae: output range must be [0, 1] (sigmoid) or [-1, 1] (tanh)");
  const int64_t factor = int64_t{1} << o.channels.size();
  if (o.image_shape.height % factor || o.image_shape.width % factor)
    throw InputError("conv-vae: image size " + to_string(o.image_shape) + " is not divisible by " +
                     std::to_string(factor) + " (one halving per channel entry)");
}

}  // namespace

ConvVaeImpl::ConvVaeImpl(const ConvVaeOptions& options) : options_(options) {
  validate(options_);
  const auto& ch = options_.channels;
  const int64_t factor = int64_t{1} << ch.size();
  feature_height_ = options_.image_shape.height / factor;
  feature_width_ = options_.image_shape.width / factor;
  const int64_t flat = ch.back() * feature_height_ * feature_width_;

  encoder_conv_ = torch::nn::Sequential();
  int64_t in = options_.image_shape.channels;
  for (int64_t out : ch) {
    encoder_conv_->push_back(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, kKernel).stride(kStride).padding(kPadding)));
    if (options_.batch_norm) encoder_conv_->push_back(torch::nn::BatchNorm2d(out));
    encoder_conv_->push_back(
        torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)));
    in = out;
  }
  encoder_conv_->push_back(torch::nn::Flatten());

  encoder_fc_ = torch::nn::Sequential();
  int64_t head_in = flat;
  if (options_.hidden > 0) {
    encoder_fc_->push_back(torch::nn::Linear(flat, options_.hidden));
    encoder_fc_->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)));
    head_in = options_.hidden;
  }
  to_mu_ = torch::nn::Linear(head_in, options_.latent_dim);
  to_logvar_ = torch::nn::Linear(head_in, options_.latent_dim);

  decoder_fc_ = torch::nn::Sequential();
  int64_t fc_in = options_.latent_dim;
  if (options_.hidden > 0) {
    decoder_fc_->push_back(torch::nn::Linear(fc_in, options_.hidden));
    decoder_fc_->push_back(torch::nn::ReLU());
    fc_in = options_.hidden;
  }
  decoder_fc_->push_back(torch::nn::Linear(fc_in, flat));
  decoder_fc_->push_back(torch::nn::ReLU());

  decoder_conv_ = torch::nn::Sequential();
  for (size_t i = ch.size(); i-- > 0;) {
    const int64_t out = i > 0 ? ch[i - 1] : ch[0];
    decoder_conv_->push_back(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(ch[i], out, kKernel).stride(kStride).padding(kPadding)));
    if (options_.batch_norm) decoder_conv_->push_back(torch::nn::BatchNorm2d(out));
    decoder_conv_->push_back(torch::nn::ReLU());
  }
  decoder_conv_->push_back(torch::nn::Conv2d(
      torch::nn::Conv2dOptions(ch[0], options_.image_shape.channels, /*kernel_size=*/3)
          .padding(1)));
  if (options_.output_range.lo < 0.0f)
    decoder_conv_->push_back(torch::nn::Tanh());
  else
    decoder_conv_->push_back(torch::nn::Sigmoid());

  register_module("encoder_conv", encoder_conv_);
  register_module("encoder_fc", encoder_fc_);
  register_module("to_mu", to_mu_);
  register_module("to_logvar", to_logvar_);
  register_module("decoder_fc", decoder_fc_);
  register_module("decoder_conv", decoder_conv_);
}

std::pair<torch::Tensor, torch::Tensor> ConvVaeImpl::encode(const torch::Tensor& images) {
  auto h = encoder_conv_plan_.forward(encoder_conv_, images);
  if (!encoder_fc_->is_empty()) h = encoder_fc_plan_.forward(encoder_fc_, h);
  return {to_mu_->forward(h), to_logvar_->forward(h)};
}

torch::Tensor ConvVaeImpl::decode(const torch::Tensor& z) {
  const auto h = decoder_fc_plan_.forward(decoder_fc_, z)
                     .view({z.size(0), options_.channels.back(), feature_height_, feature_width_});
  return decoder_conv_plan_.forward(decoder_conv_, h);
}

}  // namespace latentlab
