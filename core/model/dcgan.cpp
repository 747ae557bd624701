#include "core/model/dcgan.h"

#include "core/common/error.h"

namespace latentlab {
namespace {

using torch::nn::BatchNorm2d;
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;
using torch::nn::ConvTranspose2d;
using torch::nn::ConvTranspose2dOptions;

// One upsampling block: transposed convolution, batch norm, ReLU.
void up(torch::nn::Sequential& seq, int64_t in, int64_t out, int64_t kernel, int64_t stride,
        int64_t padding) {
  seq->push_back(ConvTranspose2d(
      ConvTranspose2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false)));
  seq->push_back(BatchNorm2d(out));
  seq->push_back(torch::nn::ReLU());
}

// One downsampling block: convolution, optional batch norm, LeakyReLU(0.2).
void down(torch::nn::Sequential& seq, int64_t in, int64_t out, int64_t kernel, int64_t stride,
          int64_t padding, bool batch_norm) {
  seq->push_back(
      Conv2d(Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false)));
  if (batch_norm) seq->push_back(BatchNorm2d(out));
  seq->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)));
}

bool is64(const DcganOptions& o) { return o.image_shape.height == 64; }

}  // namespace

void validate(const DcganOptions& o) {
  const auto& s = o.image_shape;
  const bool ok = s.height == s.width && (s.height == 28 || s.height == 64) && s.channels >= 1;
  if (!ok) throw InputError("dcgan: image shape " + to_string(s) + " is not Cx28x28 or Cx64x64");
  if (o.latent_dim < 1 || o.generator_width < 1 || o.discriminator_width < 1)
    throw InputError("dcgan: latent_dim and widths must be >= 1");
}

DcganGeneratorImpl::DcganGeneratorImpl(const DcganOptions& o) {
  validate(o);
  const int64_t g = o.generator_width;
  const int64_t c = o.image_shape.channels;
  layers = torch::nn::Sequential();
  if (is64(o)) {  // 1 -> 4 -> 8 -> 16 -> 32 -> 64
    up(layers, o.latent_dim, g * 8, /*kernel=*/4, /*stride=*/1, /*padding=*/0);
    up(layers, g * 8, g * 4, 4, 2, 1);
    up(layers, g * 4, g * 2, 4, 2, 1);
    up(layers, g * 2, g, 4, 2, 1);
    layers->push_back(
        ConvTranspose2d(ConvTranspose2dOptions(g, c, 4).stride(2).padding(1).bias(false)));
  } else {  // 1 -> 4 -> 7 -> 14 -> 28, as in pytorch/examples cpp/dcgan
    up(layers, o.latent_dim, g * 4, /*kernel=*/4, /*stride=*/1, /*padding=*/0);
    up(layers, g * 4, g * 2, 3, 2, 1);
    up(layers, g * 2, g, 4, 2, 1);
    layers->push_back(
        ConvTranspose2d(ConvTranspose2dOptions(g, c, 4).stride(2).padding(1).bias(false)));
  }
  layers->push_back(torch::nn::Tanh());
  register_module("layers", layers);
}

torch::Tensor DcganGeneratorImpl::forward(const torch::Tensor& z) {
  return inference_.forward(layers, z.view({z.size(0), z.size(1), 1, 1}));
}

DcganDiscriminatorImpl::DcganDiscriminatorImpl(const DcganOptions& o) {
  validate(o);
  const int64_t d = o.discriminator_width;
  const int64_t c = o.image_shape.channels;
  layers = torch::nn::Sequential();
  if (is64(o)) {  // 64 -> 32 -> 16 -> 8 -> 4 -> 1
    down(layers, c, d, /*kernel=*/4, /*stride=*/2, /*padding=*/1, /*batch_norm=*/false);
    down(layers, d, d * 2, 4, 2, 1, true);
    down(layers, d * 2, d * 4, 4, 2, 1, true);
    down(layers, d * 4, d * 8, 4, 2, 1, true);
    layers->push_back(Conv2d(Conv2dOptions(d * 8, 1, 4).stride(1).padding(0).bias(false)));
  } else {  // 28 -> 14 -> 7 -> 4 -> 1
    down(layers, c, d, /*kernel=*/4, /*stride=*/2, /*padding=*/1, /*batch_norm=*/false);
    down(layers, d, d * 2, 4, 2, 1, true);
    down(layers, d * 2, d * 4, 3, 2, 1, true);
    layers->push_back(Conv2d(Conv2dOptions(d * 4, 1, 4).stride(1).padding(0).bias(false)));
  }
  register_module("layers", layers);
}

torch::Tensor DcganDiscriminatorImpl::forward(const torch::Tensor& images) {
  return inference_.forward(layers, images).view({-1});
}

}  // namespace latentlab
