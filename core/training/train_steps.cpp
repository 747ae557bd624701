#include "core/training/train_steps.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/gan_model.h"
#include "core/model/vae_model.h"
#include "core/training/communicator.h"
#include "core/training/optimizer_state.h"

namespace latentlab {
namespace {

constexpr const char* kStatePrefix = "train/";
constexpr double kGanBeta1 = 0.5;  // Radford et al.

void set_learning_rate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

// DCGAN initialisation (Radford et al.): conv weights N(0, 0.02), batch-norm scale N(1, 0.02).
void dcgan_init(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  for (const auto& m : net.modules(/*include_self=*/false)) {
    if (auto* c = m->as<torch::nn::Conv2dImpl>()) {
      torch::nn::init::normal_(c->weight, 0.0, 0.02);
    } else if (auto* t = m->as<torch::nn::ConvTranspose2dImpl>()) {
      torch::nn::init::normal_(t->weight, 0.0, 0.02);
    } else if (auto* b = m->as<torch::nn::BatchNorm2dImpl>()) {
      torch::nn::init::normal_(b->weight, 1.0, 0.02);
      torch::nn::init::zeros_(b->bias);
    }
  }
}

class VaeStep : public TrainStep {
 public:
  VaeStep(ConvVae net, const TrainOptions& o, Communicator& group)
      : net_(std::move(net)),
        optimizer_(net_->parameters(), torch::optim::AdamOptions(o.lr)),
        sync_(group.gradient_sync(net_->parameters())),
        likelihood_(o.likelihood),
        beta_(o.beta),
        attribute_weight_(o.attribute_weight),
        lr_(o.lr),
        warmup_steps_(o.warmup_steps) {}

  std::map<std::string, double> run(const torch::Tensor& x, const torch::Tensor& attributes,
                                    const torch::Tensor& noise, double weight) override {
    optimizer_.zero_grad();
    const auto [mu, logvar] = net_->encode(x);
    const auto z = reparameterize(mu, logvar, noise.to(mu.device(), mu.scalar_type()));
    const auto terms = vae_loss(net_->decode(z), x, mu, logvar, likelihood_, beta_);
    auto loss = terms.loss.mean();
    torch::Tensor guide;
    if (attribute_weight_ > 0.0) {
      guide = guided_attribute_loss(mu, attributes).mean();
      loss = loss + attribute_weight_ * guide;
    }
    sync_->backward(loss * weight);
    if (warmup_steps_ > 0)
      set_learning_rate(optimizer_, warmed_up_lr(lr_, steps_done(), warmup_steps_));
    optimizer_.step();
    const double rec = terms.reconstruction.mean().item<double>();
    const double kl = terms.kl.mean().item<double>();
    std::map<std::string, double> losses{
        {"loss", loss.item<double>()}, {"reconstruction", rec}, {"kl", kl}, {"elbo", -(rec + kl)}};
    if (guide.defined()) losses["attributes"] = guide.item<double>();
    return losses;
  }
  void save_state(std::map<std::string, torch::Tensor>& out) override {
    save_adam(optimizer_, std::string(kStatePrefix) + "adam/", out);
  }
  void restore_state(const std::map<std::string, torch::Tensor>& in,
                     const std::string& path) override {
    restore_adam(optimizer_, std::string(kStatePrefix) + "adam/", in, path);
  }

 private:
  ConvVae net_;
  torch::optim::Adam optimizer_;
  std::unique_ptr<GradientSync> sync_;
  // Steps taken so far: Adam's own count, so a resumed run continues the warm-up where it was.
  int64_t steps_done() const {
    for (const auto& [key, state] : optimizer_.state())
      return static_cast<const torch::optim::AdamParamState&>(*state).step();
    return 0;
  }

  Likelihood likelihood_;
  double beta_, attribute_weight_, lr_;
  int64_t warmup_steps_;
};

// DCGAN with the non-saturating loss: D maximises log D(x) + log(1 - D(G(z))), G maximises
// log D(G(z)); both as binary cross-entropy with logits. Each network has its own gradient sync:
// the discriminator's averages its step's gradients, the generator's its step's; the gradients
// the generator step leaves in the discriminator are never used (zeroed before the next D step),
// and its sync ignores them because only the sync whose backward runs is armed.
class GanStep : public TrainStep {
 public:
  GanStep(GanNetwork net, const TrainOptions& o, Communicator& group)
      : net_(std::move(net)),
        g_optimizer_(net_->generator->parameters(),
                     torch::optim::AdamOptions(o.lr).betas({kGanBeta1, 0.999})),
        d_optimizer_(net_->discriminator->parameters(),
                     torch::optim::AdamOptions(o.lr).betas({kGanBeta1, 0.999})),
        g_sync_(group.gradient_sync(net_->generator->parameters())),
        d_sync_(group.gradient_sync(net_->discriminator->parameters())) {}

  std::map<std::string, double> run(const torch::Tensor& x, const torch::Tensor& /*attributes*/,
                                    const torch::Tensor& noise, double weight) override {
    namespace F = torch::nn::functional;
    const int64_t n = x.size(0);
    const auto ones = torch::ones({n}, x.options());
    const auto zeros = torch::zeros({n}, x.options());
    const auto z = noise.to(x.device());

    d_optimizer_.zero_grad();
    const auto real_logits = net_->discriminator->forward(x);
    const auto fake = net_->generator->forward(z);
    const auto fake_logits = net_->discriminator->forward(fake.detach());
    const auto d_loss = F::binary_cross_entropy_with_logits(real_logits, ones) +
                        F::binary_cross_entropy_with_logits(fake_logits, zeros);
    d_sync_->backward(d_loss * weight);
    d_optimizer_.step();

    g_optimizer_.zero_grad();
    const auto g_loss =
        F::binary_cross_entropy_with_logits(net_->discriminator->forward(fake), ones);
    g_sync_->backward(g_loss * weight);
    g_optimizer_.step();

    return {{"d_loss", d_loss.item<double>()},
            {"g_loss", g_loss.item<double>()},
            {"d_real", torch::sigmoid(real_logits).mean().item<double>()},
            {"d_fake", torch::sigmoid(fake_logits).mean().item<double>()}};
  }
  void save_state(std::map<std::string, torch::Tensor>& out) override {
    save_adam(g_optimizer_, std::string(kStatePrefix) + "adam_g/", out);
    save_adam(d_optimizer_, std::string(kStatePrefix) + "adam_d/", out);
  }
  void restore_state(const std::map<std::string, torch::Tensor>& in,
                     const std::string& path) override {
    restore_adam(g_optimizer_, std::string(kStatePrefix) + "adam_g/", in, path);
    restore_adam(d_optimizer_, std::string(kStatePrefix) + "adam_d/", in, path);
  }

 private:
  GanNetwork net_;
  torch::optim::Adam g_optimizer_;
  torch::optim::Adam d_optimizer_;
  std::unique_ptr<GradientSync> g_sync_;
  std::unique_ptr<GradientSync> d_sync_;
};

}  // namespace

double warmed_up_lr(double lr, int64_t done, int64_t warmup) {
  return warmup > 0 && done < warmup ? lr * double(done + 1) / double(warmup) : lr;
}

std::shared_ptr<NativeModel> build_model(const TrainOptions& o, const ImageShape& shape) {
  if (o.kind == ModelKind::Vae) {
    ConvVaeOptions c;
    c.image_shape = shape;
    c.channels = o.channels;
    c.hidden = o.hidden;
    c.latent_dim = o.latent_dim;
    c.batch_norm = *o.batch_norm;
    c.output_range = *o.output_range;
    auto spec = architecture_spec(c);
    // The decoder's distribution is part of the model: eval needs it to compute log p(x|z).
    spec.hyper_parameters["likelihood"] = to_string(o.likelihood);
    return std::make_shared<VaeModel>(spec);
  }
  DcganOptions d;
  d.image_shape = shape;
  d.latent_dim = o.latent_dim;
  d.generator_width = o.generator_width;
  d.discriminator_width = o.discriminator_width;
  auto model = std::make_shared<GanModel>(d);
  dcgan_init(model->network());
  return model;
}

std::unique_ptr<TrainStep> make_step(NativeModel& model, const TrainOptions& o,
                                     Communicator& group) {
  if (auto* vae = dynamic_cast<VaeModel*>(&model))
    return std::make_unique<VaeStep>(vae->net(), o, group);
  if (auto* gan = dynamic_cast<GanModel*>(&model))
    return std::make_unique<GanStep>(gan->net(), o, group);
  throw InputError("only the built-in conv-vae and dcgan architectures can be trained");
}

}  // namespace latentlab
