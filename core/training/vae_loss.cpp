#include "core/training/vae_loss.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "core/common/error.h"
#include "core/common/math_constants.h"

namespace latentlab {
Likelihood parse_likelihood(const std::string& text) {
  if (text == "bernoulli") return {LikelihoodKind::Bernoulli, kSquaredErrorSigma};
  if (text == "gaussian") return {LikelihoodKind::Gaussian, kSquaredErrorSigma};
  const std::string prefix = "gaussian:";
  if (text.rfind(prefix, 0) == 0) {
    try {
      size_t used = 0;
      const double sigma = std::stod(text.substr(prefix.size()), &used);
      if (used == text.size() - prefix.size() && sigma > 0 && std::isfinite(sigma))
        return {LikelihoodKind::Gaussian, sigma};
    } catch (const std::exception&) {
    }
    throw InputError("likelihood '" + text + "': sigma must be a positive number");
  }
  throw InputError("unknown likelihood '" + text +
                   "' (expected bernoulli, gaussian or gaussian:SIGMA)");
}

std::string to_string(const Likelihood& likelihood) {
  if (likelihood.kind == LikelihoodKind::Bernoulli) return "bernoulli";
  std::ostringstream out;
  out.precision(17);
  out << "gaussian:" << likelihood.sigma;
  return out.str();
}

torch::Tensor gaussian_kl(const torch::Tensor& mu, const torch::Tensor& logvar) {
  return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1);
}

torch::Tensor reconstruction_nll(const torch::Tensor& x_hat, const torch::Tensor& x,
                                 const Likelihood& likelihood) {
  if (x_hat.sizes() != x.sizes())
    throw InputError("reconstruction of shape " + c10::str(x_hat.sizes()) +
                     " does not match images of shape " + c10::str(x.sizes()));
  if (likelihood.kind == LikelihoodKind::Bernoulli) {
    // binary_cross_entropy clamps log() at -100, so a saturated sigmoid gives a finite loss.
    namespace F = torch::nn::functional;
    return F::binary_cross_entropy(x_hat, x,
                                   F::BinaryCrossEntropyFuncOptions().reduction(torch::kNone))
        .flatten(1)
        .sum(1);
  }
  const double s = likelihood.sigma;
  const double pixels = double(x[0].numel());
  return (x - x_hat).pow(2).flatten(1).sum(1) / (2.0 * s * s) +
         pixels * (std::log(s) + 0.5 * kLog2Pi);
}

torch::Tensor log_normal(const torch::Tensor& z, const torch::Tensor& mu,
                         const torch::Tensor& logvar) {
  return -0.5 * ((z - mu).pow(2) * (-logvar).exp() + logvar + kLog2Pi).sum(1);
}

torch::Tensor reparameterize(const torch::Tensor& mu, const torch::Tensor& logvar,
                             const torch::Tensor& eps) {
  return mu + (0.5 * logvar).exp() * eps;
}

VaeLoss vae_loss(const torch::Tensor& x_hat, const torch::Tensor& x, const torch::Tensor& mu,
                 const torch::Tensor& logvar, const Likelihood& likelihood, double beta) {
  VaeLoss out;
  out.reconstruction = reconstruction_nll(x_hat, x, likelihood);
  out.kl = gaussian_kl(mu, logvar);
  out.loss = out.reconstruction + beta * out.kl;
  return out;
}

torch::Tensor guided_attribute_loss(const torch::Tensor& mu, const torch::Tensor& labels) {
  const auto y = labels.to(mu.device(), mu.scalar_type());
  const auto logits = kGuideLogitScale * mu.narrow(1, 0, labels.size(1));
  return torch::softplus(-y * logits).sum(1);
}

torch::Tensor normal_noise_like(const torch::Tensor& like,
                                std::optional<torch::Generator> generator) {
  auto cpu = torch::TensorOptions().dtype(torch::kFloat32);
  auto eps =
      generator ? torch::randn(like.sizes(), *generator, cpu) : torch::randn(like.sizes(), cpu);
  return eps.to(like.device(), like.scalar_type());
}

torch::Tensor iwae_bound(const torch::Tensor& x, const torch::Tensor& mu,
                         const torch::Tensor& logvar,
                         const std::function<torch::Tensor(const torch::Tensor&)>& decode,
                         int64_t k, const Likelihood& likelihood,
                         std::optional<torch::Generator> generator) {
  if (k < 1) throw InputError("the IWAE bound needs at least one sample, got " + std::to_string(k));
  // All k samples in one decode call: [k * N, D] latents, sample-major.
  const int64_t n = mu.size(0);
  const auto expand = [k](const torch::Tensor& t) {
    std::vector<int64_t> sizes{k};
    for (auto s : t.sizes()) sizes.push_back(s);
    std::vector<int64_t> flat{-1};
    for (int64_t d = 1; d < t.dim(); ++d) flat.push_back(t.size(d));
    return t.unsqueeze(0).expand(sizes).reshape(flat);
  };
  const auto mu_k = expand(mu);
  const auto logvar_k = expand(logvar);
  const auto z = reparameterize(mu_k, logvar_k, normal_noise_like(mu_k, generator));
  const auto zero = torch::zeros_like(z);
  const auto log_px_z =
      -reconstruction_nll(decode(z).to(x.device(), x.scalar_type()), expand(x), likelihood);
  const auto log_w =
      (log_px_z + log_normal(z, zero, zero) - log_normal(z, mu_k, logvar_k)).view({k, n});
  // log-mean-exp in float64: the weights differ by hundreds of nats.
  return (torch::logsumexp(log_w.to(torch::kFloat64), 0) - std::log(double(k)))
      .to(mu.scalar_type());
}

}  // namespace latentlab
