#pragma once
// Shared by the Qt tests: tiny checkpoints saved with core, and core's own decode of a latent
// turned into pixels independently of the UI's conversion code.
#include <torch/torch.h>

#include <QImage>
#include <QString>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/analysis/sampling.h"
#include "core/model/model_file.h"
#include "core/model/vae_model.h"

namespace latentlab::test {

// An untrained conv VAE saved as a checkpoint. Its weights are scaled up so that moving one
// latent value visibly changes many pixels (an untrained decoder is nearly flat grey).
inline void saveTinyVae(const QString& path, ImageShape shape, int64_t latentDim,
                        const std::map<std::string, std::vector<float>>& attributes = {},
                        uint64_t seed = 0) {
  torch::manual_seed(seed);
  ConvVaeOptions options;
  options.image_shape = shape;
  options.channels = {4, 8};
  options.latent_dim = latentDim;
  VaeModel model(options);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model.network().parameters()) p.mul_(4.0);
  }
  ModelInfo info;
  info.name = "tiny-" + std::to_string(latentDim);
  for (const auto& [name, direction] : attributes) {
    AttributeVector a;
    a.direction = direction;
    a.method = "user";
    a.source = "test";
    info.attributes[name] = a;
  }
  save_checkpoint(path.toStdString(), model, info);
}

// Where a model without a stored GMM opens and Reset returns to: the prior sample of seed 0.
inline std::vector<float> openingLatent(int64_t dim) {
  const auto z = latents_from_seed(0, 1, dim).to(torch::kFloat32).contiguous();
  return std::vector<float>(z.data_ptr<float>(), z.data_ptr<float>() + dim);
}

// The opening latent with some values replaced: {{index, value}, ...}.
inline std::vector<float> openingLatentWith(int64_t dim, const std::map<int, float>& values) {
  std::vector<float> z = openingLatent(dim);
  for (const auto& [i, v] : values) z[size_t(i)] = v;
  return z;
}

// A model image [C, H, W] mapped to 8-bit pixels with pixel = round((x - lo) * (255 / (hi - lo)))
// clamped to 0..255, as the GUI promises to show it.
inline QImage referencePixels(const torch::Tensor& x, OutputRange range) {
  const auto pixels = x.sub(range.lo)
                          .mul(255.0f / (range.hi - range.lo))
                          .round()
                          .clamp(0, 255)
                          .to(torch::kUInt8)
                          .permute({1, 2, 0})
                          .contiguous();
  const int h = int(x.size(1)), w = int(x.size(2)), c = int(x.size(0));
  QImage image(w, h, c == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
  for (int y = 0; y < h; ++y)
    std::memcpy(image.scanLine(y), pixels.data_ptr<uint8_t>() + int64_t(y) * w * c, size_t(w * c));
  return image;
}

// Core's decode of one latent, as the GUI promises to show it.
inline QImage referenceImage(const QString& path, const std::vector<float>& latent) {
  LoadedModel loaded = load_model(path.toStdString(), "cpu");
  const auto z = torch::tensor(latent).reshape({1, int64_t(latent.size())});
  return referencePixels(loaded.model->decode(z)[0], loaded.model->output_range());
}

// Core's decode of latents [N, D] in one batch (as strips are decoded), one image per row.
inline std::vector<QImage> referenceImages(const QString& path, const torch::Tensor& latents) {
  LoadedModel loaded = load_model(path.toStdString(), "cpu");
  const auto x = loaded.model->decode(latents);
  std::vector<QImage> out;
  for (int64_t i = 0; i < x.size(0); ++i)
    out.push_back(referencePixels(x[i], loaded.model->output_range()));
  return out;
}

// Exact comparison of format, size and every pixel.
inline bool samePixels(const QImage& a, const QImage& b) {
  if (a.format() != b.format() || a.size() != b.size()) return false;
  const int rowBytes = a.width() * (a.depth() / 8);
  for (int y = 0; y < a.height(); ++y)
    if (std::memcmp(a.constScanLine(y), b.constScanLine(y), size_t(rowBytes)) != 0) return false;
  return true;
}

}  // namespace latentlab::test
