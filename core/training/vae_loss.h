#pragma once
// The terms of the VAE objective, per image and in nats, for training (differentiable) and for
// evaluation (ELBO and the importance-weighted bound of Burda et al., "IWAE").
//
//   ELBO(x) = E_q[log p(x|z)] - KL(q(z|x) || N(0, I)) = -(reconstruction + kl)
//
// The reconstruction term is -log p(x|z) with every constant included, so the ELBO and the IWAE
// estimate are comparable log-likelihood bounds:
//   Bernoulli: sum over pixels of the binary cross-entropy of x in [0, 1] against the decoded
//              probabilities (for grey levels that are not 0/1 this is the usual "BCE nats").
//   Gaussian:  N(x; x_hat, sigma^2 I) with a fixed sigma:
//              sum (x - x_hat)^2 / (2 sigma^2) + D * (log sigma + log(2 pi) / 2), D = C*H*W.
//              With the default sigma = 1/sqrt(2) the data term is exactly the sum of squared
//              errors and the constant is D * log(pi) / 2.
#include <torch/types.h>

#include <functional>
#include <optional>
#include <string>

namespace latentlab {

enum class LikelihoodKind { Bernoulli, Gaussian };

// sigma for which the Gaussian data term is exactly the sum of squared errors.
constexpr double kSquaredErrorSigma = 0.70710678118654752440;

struct Likelihood {
  LikelihoodKind kind = LikelihoodKind::Bernoulli;
  double sigma = kSquaredErrorSigma;  // Gaussian only
};

// "bernoulli", "gaussian" or "gaussian:SIGMA". Throws InputError otherwise.
Likelihood parse_likelihood(const std::string& text);
std::string to_string(const Likelihood& likelihood);

// KL(N(mu, exp(logvar)) || N(0, I)) in closed form, summed over latent dimensions: [N].
torch::Tensor gaussian_kl(const torch::Tensor& mu, const torch::Tensor& logvar);

// -log p(x | x_hat) per image, constants included: [N]. x and x_hat are [N, ...].
torch::Tensor reconstruction_nll(const torch::Tensor& x_hat, const torch::Tensor& x,
                                 const Likelihood& likelihood);

// log N(z; mu, diag(exp(logvar))) summed over dimensions: [N]. mu = 0, logvar = 0 gives log p(z).
torch::Tensor log_normal(const torch::Tensor& z, const torch::Tensor& mu,
                         const torch::Tensor& logvar);

// The reparameterisation trick: z = mu + exp(logvar / 2) * eps, eps ~ N(0, I) given by the caller.
torch::Tensor reparameterize(const torch::Tensor& mu, const torch::Tensor& logvar,
                             const torch::Tensor& eps);

// Per-image terms [N]; loss = reconstruction + beta * kl is what training minimises (its mean).
struct VaeLoss {
  torch::Tensor reconstruction;
  torch::Tensor kl;
  torch::Tensor loss;
  torch::Tensor elbo() const { return -(reconstruction + kl); }
};
VaeLoss vae_loss(const torch::Tensor& x_hat, const torch::Tensor& x, const torch::Tensor& mu,
                 const torch::Tensor& logvar, const Likelihood& likelihood, double beta = 1.0);

// Guided latent coordinates (the supervised Guided VAE of Ding et al., CVPR 2020): attribute a
// of A is read from latent coordinate a of the posterior mean as the logit
// kGuideLogitScale * mu[:, a], with the logistic loss against labels y in {-1, +1}:
//   sum over a of log(1 + exp(-kGuideLogitScale * y_a * mu_a)) per image: [N].
// The steep scale makes a misread image cost w * 6 per unit of mu_a, enough to pull features the
// reconstruction hardly needs (a slightly open mouth) into the encoder, while against the KL
// term's pull to 0 the coordinate settles near +-1.1 for w = 100: inside the prior's range, so
// the prior's samples and the slider's range cover both values of the attribute.
// labels is [N, A] (any dtype), A <= mu's columns.
constexpr double kGuideLogitScale = 6.0;
torch::Tensor guided_attribute_loss(const torch::Tensor& mu, const torch::Tensor& labels);

// The IWAE bound with k samples per image, in nats: [N]
//   log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x),   z_i ~ q(z|x) = N(mu, exp(logvar)).
// decode maps latents [N, D] to x_hat like x. k = 1 is an unbiased estimate of the ELBO; the
// bound rises towards log p(x) as k grows. Noise comes from generator (a CPU generator) when set.
// decode is called once, with k * N latents: the caller splits large sets into chunks.
torch::Tensor iwae_bound(const torch::Tensor& x, const torch::Tensor& mu,
                         const torch::Tensor& logvar,
                         const std::function<torch::Tensor(const torch::Tensor&)>& decode,
                         int64_t k, const Likelihood& likelihood,
                         std::optional<torch::Generator> generator = std::nullopt);

// Standard normal noise shaped like `like`, drawn on the CPU from generator (so the stream does
// not depend on the device) and moved to like's device and dtype.
torch::Tensor normal_noise_like(const torch::Tensor& like,
                                std::optional<torch::Generator> generator);

}  // namespace latentlab
