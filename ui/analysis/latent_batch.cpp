#include "ui/analysis/latent_batch.h"

#include <torch/torch.h>

#include "core/analysis/interpolation.h"
#include "core/analysis/inversion.h"
#include "core/analysis/sampling.h"
#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/io/latent_io.h"
#include "core/model/model.h"
#include "ui/analysis/background_job.h"
#include "ui/render/tensor_image.h"

namespace latentlab::ui {

namespace {

// The CLI's inversion defaults (encode/interpolate on a GAN), so both find the same latents.
constexpr int64_t kInversionSteps = 300;
constexpr int64_t kInversionRestarts = 4;

torch::Tensor toTensor(const Latent& latent) {
  return torch::tensor(latent, torch::kFloat32);  // copies
}

Latent toLatent(const torch::Tensor& row) {
  const auto values = row.to(torch::kCPU, torch::kFloat32).contiguous();
  return Latent(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
}

}  // namespace

std::vector<Latent> interpolateLatents(const std::vector<Latent>& keyframes, int steps,
                                       bool spherical) {
  std::vector<torch::Tensor> frames;
  for (const Latent& k : keyframes) {
    if (k.size() != keyframes.front().size())
      throw InputError("interpolation keyframes have different lengths");
    frames.push_back(toTensor(k));
  }
  const auto path = interpolate_path(
      frames, steps, spherical ? InterpolationMethod::Spherical : InterpolationMethod::Linear);
  std::vector<Latent> out;
  out.reserve(size_t(path.size(0)));
  for (int64_t i = 0; i < path.size(0); ++i) out.push_back(toLatent(path[i]));
  return out;
}

std::vector<QImage> decodeLatents(Model& model, const std::vector<Latent>& latents) {
  if (latents.empty()) return {};
  const int64_t dim = model.latent_dim();
  auto z = torch::empty({int64_t(latents.size()), dim});
  for (size_t i = 0; i < latents.size(); ++i) {
    if (int64_t(latents[i].size()) != dim)
      throw InputError("a latent has " + std::to_string(latents[i].size()) +
                       " values, the model's latent has " + std::to_string(dim));
    std::copy(latents[i].begin(), latents[i].end(), z.data_ptr<float>() + int64_t(i) * dim);
  }
  const auto images = model.decode(z);  // one batch: [N, C, H, W]
  std::vector<QImage> out;
  out.reserve(latents.size());
  for (int64_t i = 0; i < images.size(0); ++i)
    out.push_back(tensorToImage(images[i], model.output_range()));
  return out;
}

Latent latentFromSeed(quint64 seed, int dim) {
  return toLatent(latents_from_seed(seed, 1, dim)[0]);
}

std::vector<Latent> readLatentFile(const QString& path, int dim) {
  const auto z = read_latents(path.toStdString(), dim);
  std::vector<Latent> out;
  for (int64_t i = 0; i < z.size(0); ++i) out.push_back(toLatent(z[i]));
  return out;
}

EncodedImage encodeImageFile(Model& model, const QString& path, BackgroundJob& job) {
  const auto image = read_image(path.toStdString(), model.image_shape(), model.output_range());
  EncodedImage out;
  out.original = tensorToImage(image, model.output_range());
  if (model.can_encode()) {
    out.latent = toLatent(model.encode(image.unsqueeze(0)).mean[0]);
    return out;
  }
  if (!can_invert(model))
    throw InputError(
        "this model cannot encode images: a TorchScript GAN has no gradients through its generator "
        "for inversion (only LatentLab DCGAN checkpoints can be inverted)");
  InversionOptions options;
  options.steps = kInversionSteps;
  options.restarts = kInversionRestarts;
  options.progress = [&job](int64_t step, int64_t steps, double loss) {
    job.reportProgress(
        double(step) / double(steps),
        BackgroundJob::tr("Projecting into the latent space: step %1 of %2, pixel error %3")
            .arg(step)
            .arg(steps)
            .arg(loss, 0, 'g', 3));
    return !job.isCancelled();
  };
  out.latent = toLatent(invert(model, image.unsqueeze(0), options).latents[0]);
  return out;
}

}  // namespace latentlab::ui
