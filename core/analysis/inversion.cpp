#include "core/analysis/inversion.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/gan_model.h"

namespace latentlab {

bool can_invert(const Model& model) { return dynamic_cast<const GanModel*>(&model) != nullptr; }

Inversion invert(Model& model, const torch::Tensor& images, const InversionOptions& options) {
  auto* gan = dynamic_cast<GanModel*>(&model);
  if (!gan)
    throw InputError(
        model.kind() == ModelKind::Gan
            ? "GAN inversion needs a LatentLab DCGAN checkpoint: TorchScript GANs expose no "
              "differentiable generator"
            : "inversion is for GANs; a VAE encodes images directly");
  if (c10::InferenceMode::is_enabled())
    throw Error("GAN inversion cannot run inside InferenceMode");
  if (options.steps < 1 || options.restarts < 1 || !(options.learning_rate > 0) ||
      options.prior_weight < 0)
    throw InputError(
        "inversion: steps and restarts must be at least 1, the learning rate positive and "
        "the prior weight not negative");
  const auto shape = model.image_shape();
  auto target = images.dim() == 3 ? images.unsqueeze(0) : images;
  if (target.dim() != 4 || target.size(1) != shape.channels || target.size(2) != shape.height ||
      target.size(3) != shape.width)
    throw InputError("inversion: images must have shape [N, " + std::to_string(shape.channels) +
                     ", " + std::to_string(shape.height) + ", " + std::to_string(shape.width) +
                     "], got " + c10::str(images.sizes()));
  const auto device = model.device();
  const int64_t n = target.size(0), r = options.restarts, d = model.latent_dim();
  // Row i * r + j is start j of image i.
  target = target.to(device, torch::kFloat32).repeat_interleave(r, 0);
  auto gen = at::detail::createCPUGenerator(options.seed);
  auto z = torch::randn({n * r, d}, gen, torch::kFloat32).to(device).requires_grad_(true);

  auto& generator = gan->net()->generator;
  torch::AutoGradMode grad_on(true);
  torch::optim::Adam adam({z}, torch::optim::AdamOptions(options.learning_rate));
  const auto losses_of = [&](const torch::Tensor& latents, torch::Tensor* pixel_error) {
    const auto mse = (generator->forward(latents) - target).pow(2).flatten(1).mean(1);
    if (pixel_error) *pixel_error = mse;
    return options.prior_weight > 0 ? mse + options.prior_weight * latents.pow(2).mean(1) : mse;
  };
  for (int64_t step = 1; step <= options.steps; ++step) {
    const auto losses = losses_of(z, nullptr);
    // Gradients of z alone: autograd skips the weights' gradients entirely.
    z.mutable_grad() = torch::autograd::grad({losses.sum()}, {z})[0];
    adam.step();
    if (options.progress) {
      const double best = std::get<0>(losses.detach().reshape({n, r}).min(1)).mean().item<double>();
      if (!options.progress(step, options.steps, best)) throw Cancelled();
    }
  }
  torch::NoGradGuard no_grad;
  torch::Tensor error;
  const auto final_losses = losses_of(z, &error);
  const auto best = std::get<1>(final_losses.reshape({n, r}).min(1));  // [n]
  const auto rows = torch::arange(n, best.options()) * r + best;
  Inversion out;
  out.latents = z.detach().index_select(0, rows).to(torch::kCPU);
  out.images = generator->forward(out.latents.to(device)).to(torch::kCPU);
  out.errors = error.index_select(0, rows).to(torch::kCPU, torch::kFloat32);
  return out;
}

}  // namespace latentlab
