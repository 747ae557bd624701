#include "core/training/trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "core/common/error.h"
#include "core/io/checkpoint_file.h"
#include "core/model/device.h"
#include "core/model/gan_model.h"
#include "core/model/model_file.h"
#include "core/model/vae_model.h"

namespace latentlab {
namespace {

constexpr const char* kStatePrefix = "train/";
// The one scheme deriving the shuffle and noise generators; stored so a future change is noticed.
constexpr const char* kRngScheme = "splitmix64(seed, epoch, stream) v1";
constexpr uint64_t kShuffleStream = 1;
constexpr uint64_t kNoiseStream = 2;
constexpr double kVaeLearningRate = 1e-3;
constexpr double kGanLearningRate = 2e-4;  // Radford et al.
constexpr double kGanBeta1 = 0.5;
constexpr float kRangeSlack = 1e-3f;  // images may overshoot the range by rounding

using Clock = std::chrono::steady_clock;

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

torch::Generator epoch_generator(int64_t seed, int64_t epoch, uint64_t stream) {
  const uint64_t s = splitmix64(splitmix64(splitmix64(uint64_t(seed)) ^ uint64_t(epoch)) ^ stream);
  return at::make_generator<at::CPUGeneratorImpl>(s);
}

std::string iso_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
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

// Adam's per-parameter state (step, exp_avg, exp_avg_sq) as named tensors, in parameter order.
void save_adam(torch::optim::Adam& optimizer, const std::string& prefix,
               std::map<std::string, torch::Tensor>& out) {
  int64_t index = 0;
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params()) {
      const auto it = optimizer.state().find(c10::guts::to_string(p.unsafeGetTensorImpl()));
      if (it != optimizer.state().end()) {
        auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
        const std::string base = prefix + std::to_string(index) + "/";
        out[base + "exp_avg"] = s.exp_avg();
        out[base + "exp_avg_sq"] = s.exp_avg_sq();
        out[base + "step"] = torch::tensor({s.step()}, torch::kInt64);
      }
      ++index;
    }
}

void restore_adam(torch::optim::Adam& optimizer, const std::string& prefix,
                  const std::map<std::string, torch::Tensor>& tensors, const std::string& path) {
  int64_t index = 0;
  for (auto& group : optimizer.param_groups())
    for (auto& p : group.params()) {
      const std::string base = prefix + std::to_string(index++) + "/";
      const auto avg = tensors.find(base + "exp_avg");
      const auto sq = tensors.find(base + "exp_avg_sq");
      const auto step = tensors.find(base + "step");
      if (avg == tensors.end() || sq == tensors.end() || step == tensors.end())
        throw CheckpointError(path + ": optimizer state '" + base + "' is missing; cannot resume");
      if (avg->second.sizes() != p.sizes() || sq->second.sizes() != p.sizes() ||
          step->second.numel() != 1)
        throw CheckpointError(path + ": optimizer state '" + base + "' does not match the model");
      auto s = std::make_unique<torch::optim::AdamParamState>();
      s->step(step->second.item<int64_t>());
      s->exp_avg(avg->second.to(p.device(), p.scalar_type()).clone());
      s->exp_avg_sq(sq->second.to(p.device(), p.scalar_type()).clone());
      optimizer.state()[c10::guts::to_string(p.unsafeGetTensorImpl())] = std::move(s);
    }
}

// One optimisation step of a model kind; returns the batch's losses by name.
class TrainStep {
 public:
  virtual ~TrainStep() = default;
  virtual std::map<std::string, double> run(const torch::Tensor& x, torch::Generator& noise) = 0;
  virtual void save_state(std::map<std::string, torch::Tensor>& out) = 0;
  virtual void restore_state(const std::map<std::string, torch::Tensor>& in,
                             const std::string& path) = 0;
};

class VaeStep : public TrainStep {
 public:
  VaeStep(ConvVae net, const TrainOptions& o)
      : net_(std::move(net)),
        optimizer_(net_->parameters(), torch::optim::AdamOptions(o.lr)),
        likelihood_(o.likelihood),
        beta_(o.beta) {}

  std::map<std::string, double> run(const torch::Tensor& x, torch::Generator& noise) override {
    optimizer_.zero_grad();
    const auto [mu, logvar] = net_->encode(x);
    const auto z = reparameterize(mu, logvar, normal_noise_like(mu, noise));
    const auto terms = vae_loss(net_->decode(z), x, mu, logvar, likelihood_, beta_);
    const auto loss = terms.loss.mean();
    loss.backward();
    optimizer_.step();
    const double rec = terms.reconstruction.mean().item<double>();
    const double kl = terms.kl.mean().item<double>();
    return {
        {"loss", loss.item<double>()}, {"reconstruction", rec}, {"kl", kl}, {"elbo", -(rec + kl)}};
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
  Likelihood likelihood_;
  double beta_;
};

// DCGAN with the non-saturating loss: D maximises log D(x) + log(1 - D(G(z))), G maximises
// log D(G(z)); both as binary cross-entropy with logits.
class GanStep : public TrainStep {
 public:
  GanStep(GanNetwork net, const TrainOptions& o)
      : net_(std::move(net)),
        latent_dim_(o.latent_dim),
        g_optimizer_(net_->generator->parameters(),
                     torch::optim::AdamOptions(o.lr).betas({kGanBeta1, 0.999})),
        d_optimizer_(net_->discriminator->parameters(),
                     torch::optim::AdamOptions(o.lr).betas({kGanBeta1, 0.999})) {}

  std::map<std::string, double> run(const torch::Tensor& x, torch::Generator& noise) override {
    namespace F = torch::nn::functional;
    const int64_t n = x.size(0);
    const auto ones = torch::ones({n}, x.options());
    const auto zeros = torch::zeros({n}, x.options());
    const auto z = torch::randn({n, latent_dim_}, noise, torch::kFloat32).to(x.device());

    d_optimizer_.zero_grad();
    const auto real_logits = net_->discriminator->forward(x);
    const auto fake = net_->generator->forward(z);
    const auto fake_logits = net_->discriminator->forward(fake.detach());
    const auto d_loss = F::binary_cross_entropy_with_logits(real_logits, ones) +
                        F::binary_cross_entropy_with_logits(fake_logits, zeros);
    d_loss.backward();
    d_optimizer_.step();

    g_optimizer_.zero_grad();
    const auto g_loss =
        F::binary_cross_entropy_with_logits(net_->discriminator->forward(fake), ones);
    g_loss.backward();
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
  int64_t latent_dim_;
  torch::optim::Adam g_optimizer_;
  torch::optim::Adam d_optimizer_;
};

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

std::unique_ptr<TrainStep> make_step(NativeModel& model, const TrainOptions& o) {
  if (auto* vae = dynamic_cast<VaeModel*>(&model)) return std::make_unique<VaeStep>(vae->net(), o);
  if (auto* gan = dynamic_cast<GanModel*>(&model)) return std::make_unique<GanStep>(gan->net(), o);
  throw InputError("only the built-in conv-vae and dcgan architectures can be trained");
}

void check_images(const torch::Tensor& images, const NativeModel& model) {
  const auto s = model.image_shape();
  if (images.dim() != 4 || images.size(1) != s.channels || images.size(2) != s.height ||
      images.size(3) != s.width || images.scalar_type() != torch::kFloat32)
    throw InputError("training images must be float32 [N, " + std::to_string(s.channels) + ", " +
                     std::to_string(s.height) + ", " + std::to_string(s.width) + "], got " +
                     c10::str(images.scalar_type()) + " " + c10::str(images.sizes()));
  if (images.size(0) < 1) throw InputError("no training images");
  const auto r = model.output_range();
  const float lo = images.min().item<float>();
  const float hi = images.max().item<float>();
  if (!(lo >= r.lo - kRangeSlack && hi <= r.hi + kRangeSlack))
    throw InputError("training images have values in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "] but the model needs [" + std::to_string(r.lo) + ", " +
                     std::to_string(r.hi) + "]");
}

}  // namespace

TrainOptions with_defaults(TrainOptions o, const ImageShape& shape) {
  if (o.epochs < 1) throw InputError("epochs must be >= 1");
  if (o.batch_size < 1) throw InputError("batch size must be >= 1");
  if (!(o.lr >= 0.0)) throw InputError("learning rate must be positive");
  if (!(o.beta >= 0.0)) throw InputError("beta must be >= 0");
  if (o.latent_dim < 0) throw InputError("latent size must be >= 1");
  if (o.kind == ModelKind::Vae) {
    if (o.generator_width || o.discriminator_width)
      throw InputError("generator/discriminator widths are for GANs, not VAEs");
    if (o.arch == "auto")
      o.arch =
          shape.height >= 64 && shape.height % 16 == 0 && shape.width % 16 == 0 ? "deep" : "course";
    int64_t latent = 0;
    if (o.arch == "course") {
      if (o.channels.empty()) o.channels = {16, 32};
      if (o.hidden < 0) o.hidden = 0;
      if (!o.batch_norm) o.batch_norm = false;
      latent = 2;
    } else if (o.arch == "deep") {
      if (o.channels.empty()) o.channels = {32, 64, 128, 256};
      if (o.hidden < 0) o.hidden = 256;
      if (!o.batch_norm) o.batch_norm = true;
      latent = 64;
    } else {
      throw InputError("unknown VAE architecture '" + o.arch + "' (known: auto, course, deep)");
    }
    if (o.latent_dim == 0) o.latent_dim = latent;
    if (o.lr == 0.0) o.lr = kVaeLearningRate;
    if (!o.output_range) o.output_range = OutputRange{0.0f, 1.0f};
    if (o.likelihood.kind == LikelihoodKind::Bernoulli &&
        !(*o.output_range == OutputRange{0.0f, 1.0f}))
      throw InputError(
          "the Bernoulli likelihood needs images in [0, 1]; use --likelihood gaussian");
  } else {
    if (!o.channels.empty() || o.hidden >= 0 || o.batch_norm)
      throw InputError("channels, hidden and batch norm are for VAEs; a DCGAN takes widths");
    if (o.arch == "auto") o.arch = "dcgan";
    if (o.arch != "dcgan")
      throw InputError("unknown GAN architecture '" + o.arch + "' (known: dcgan)");
    if (o.generator_width == 0) o.generator_width = 64;
    if (o.discriminator_width == 0) o.discriminator_width = 64;
    if (o.latent_dim == 0) o.latent_dim = 100;
    if (o.lr == 0.0) o.lr = kGanLearningRate;
    if (!o.output_range) o.output_range = OutputRange{-1.0f, 1.0f};
    if (!(*o.output_range == OutputRange{-1.0f, 1.0f}))
      throw InputError("a DCGAN produces images in [-1, 1] (tanh)");
  }
  return o;
}

nlohmann::json train_settings_to_json(const TrainOptions& o) {
  nlohmann::json j = {{"kind", to_string(o.kind)},  {"arch", o.arch},
                      {"batch_size", o.batch_size}, {"lr", o.lr},
                      {"latent_dim", o.latent_dim}, {"seed", o.seed}};
  if (o.kind == ModelKind::Vae) {
    j["channels"] = o.channels;
    j["hidden"] = o.hidden;
    j["batch_norm"] = o.batch_norm.value_or(false);
    j["beta"] = o.beta;
    j["likelihood"] = to_string(o.likelihood);
  } else {
    j["generator_width"] = o.generator_width;
    j["discriminator_width"] = o.discriminator_width;
  }
  if (o.output_range) j["output_range"] = {o.output_range->lo, o.output_range->hi};
  return j;
}

TrainOptions train_settings_from_json(const nlohmann::json& j) {
  TrainOptions o;
  try {
    o.kind = parse_model_kind(j.at("kind").get<std::string>());
    o.arch = j.at("arch").get<std::string>();
    o.batch_size = j.at("batch_size").get<int64_t>();
    o.lr = j.at("lr").get<double>();
    o.latent_dim = j.at("latent_dim").get<int64_t>();
    o.seed = j.at("seed").get<int64_t>();
    if (o.kind == ModelKind::Vae) {
      o.channels = j.at("channels").get<std::vector<int64_t>>();
      o.hidden = j.at("hidden").get<int64_t>();
      o.batch_norm = j.at("batch_norm").get<bool>();
      o.beta = j.at("beta").get<double>();
      o.likelihood = parse_likelihood(j.at("likelihood").get<std::string>());
    } else {
      o.generator_width = j.at("generator_width").get<int64_t>();
      o.discriminator_width = j.at("discriminator_width").get<int64_t>();
    }
    if (j.contains("output_range"))
      o.output_range =
          OutputRange{j["output_range"].at(0).get<float>(), j["output_range"].at(1).get<float>()};
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("bad training settings: ") + e.what());
  }
  return o;
}

TrainState read_train_state(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw CheckpointError(path + ": no such checkpoint to resume");
  const CheckpointFile file = read_checkpoint_file(path);
  const auto& train =
      file.meta.value("extra", nlohmann::json::object()).value("train", nlohmann::json());
  if (!train.is_object() || !train.value("resumable", false))
    throw CheckpointError(path +
                          ": has no training state to resume (written by --half, by another "
                          "tool, or not a training checkpoint)");
  if (train.value("rng", "") != kRngScheme)
    throw CheckpointError(path +
                          ": was trained with another random-number scheme; cannot resume exactly");
  TrainState state;
  try {
    const ModelInfo info = model_info_from_json(file.meta.at("model"));
    state.image_shape = info.image_shape;
    state.output_range = info.output_range;
    state.settings = train_settings_from_json(train.at("settings"));
    state.epochs_done = train.at("epochs_done").get<int64_t>();
  } catch (const std::exception& e) {
    throw CheckpointError(path + ": bad training state: " + e.what());
  }
  return state;
}

TrainResult train(const torch::Tensor& images, const TrainOptions& given) {
  // The thread count is process-wide: set it for this run only and put it back afterwards.
  struct ThreadScope {
    int previous = torch::get_num_threads();
    explicit ThreadScope(int threads) {
      if (threads > 0) configure_threads(threads);
    }
    ~ThreadScope() { torch::set_num_threads(previous); }
  } thread_scope(given.threads);
  const torch::Device device = resolve_device(given.device);
  if (given.out.empty()) throw InputError("no checkpoint path to train into");
  if (images.dim() != 4)
    throw InputError("training images must be [N, C, H, W], got " + c10::str(images.sizes()));

  TrainOptions o;
  ModelInfo info;
  std::shared_ptr<NativeModel> model;
  int64_t first_epoch = 1;
  CheckpointExtras extras;
  if (given.resume) {
    const TrainState state = read_train_state(given.out);
    o = state.settings;
    first_epoch = state.epochs_done + 1;
    if (given.epochs <= state.epochs_done)
      throw InputError(given.out + " is already trained for " + std::to_string(state.epochs_done) +
                       " epochs; ask for more with --epochs");
    LoadedModel loaded = load_model(given.out, "cpu");
    model = std::dynamic_pointer_cast<NativeModel>(loaded.model);
    info = loaded.info;
    extras = read_checkpoint_extras(given.out);
    if (!given.command.empty())
      info.provenance.command = info.provenance.command.empty()
                                    ? given.command
                                    : info.provenance.command + " && " + given.command;
    if (!given.name.empty()) info.name = given.name;
  } else {
    o = with_defaults(given, ImageShape{images.size(1), images.size(2), images.size(3)});
    torch::manual_seed(uint64_t(o.seed));
    model = build_model(o, ImageShape{images.size(1), images.size(2), images.size(3)});
    info.name = given.name.empty() ? std::filesystem::path(given.out).stem().string() : given.name;
    info.labels = given.labels;
    info.provenance.command = given.command;
    info.provenance.data = given.data;
    info.provenance.seed = o.seed;
    info.provenance.loss_history = nlohmann::json::array();
  }
  // Only the run's extent and its runtime come from the caller on resume.
  o.epochs = given.epochs;
  o.out = given.out;
  o.half_precision = given.half_precision;
  check_images(images, *model);

  model->to_device(device);
  model->network().train();
  auto step = make_step(*model, o);
  if (given.resume) step->restore_state(extras.tensors, given.out);

  const int64_t n = images.size(0);
  const int64_t batch = std::min(o.batch_size, n);
  const int64_t steps = n / batch;  // the remainder (other images every epoch) is left out
  const int64_t total_steps = steps * (o.epochs - first_epoch + 1);
  const auto start = Clock::now();
  const double earlier_seconds = info.provenance.train_seconds;
  int64_t steps_done = 0;
  std::map<std::string, double> last_means;

  TrainProgress progress;
  progress.epochs = o.epochs;
  progress.steps_per_epoch = steps;
  progress.batch_size = batch;
  for (int64_t epoch = first_epoch; epoch <= o.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    auto shuffle = epoch_generator(o.seed, epoch, kShuffleStream);
    auto noise = epoch_generator(o.seed, epoch, kNoiseStream);
    const auto order = torch::randperm(n, shuffle, torch::kLong);
    std::map<std::string, double> sums;
    for (int64_t s = 0; s < steps; ++s) {
      if (given.cancel && given.cancel->load()) throw Cancelled();
      const auto x = images.index_select(0, order.narrow(0, s * batch, batch)).to(device);
      for (const auto& [name, value] : step->run(x, noise)) sums[name] += value;
      ++steps_done;
      if (given.progress) {
        const double elapsed = seconds_since(start);
        progress.epoch = epoch;
        progress.step = s + 1;
        progress.epoch_done = false;
        progress.images_per_second = double(steps_done * batch) / std::max(elapsed, 1e-9);
        progress.eta_seconds = elapsed / double(steps_done) * double(total_steps - steps_done);
        for (const auto& [name, sum] : sums) progress.losses[name] = sum / double(s + 1);
        given.progress(progress);
      }
    }

    const double epoch_seconds = seconds_since(epoch_start);
    nlohmann::json record = {
        {"epoch", epoch},
        {"seconds", epoch_seconds},
        {"images_per_second", double(steps * batch) / std::max(epoch_seconds, 1e-9)}};
    last_means.clear();
    for (const auto& [name, sum] : sums) {
      last_means[name] = sum / double(steps);
      record[name] = last_means[name];
    }
    info.provenance.loss_history.push_back(record);
    info.provenance.epochs = epoch;
    info.provenance.date = iso_now();
    info.provenance.train_seconds = earlier_seconds + seconds_since(start);
    info.provenance.metrics = nlohmann::json::object();  // older evaluations describe older weights
    for (const auto& [name, mean] : last_means) info.provenance.metrics["train_" + name] = mean;

    SaveOptions save;
    const bool release = epoch == o.epochs && o.half_precision;
    save.half_precision = release;
    if (!release) step->save_state(save.extra_tensors);
    save.extra_meta["train"] = {{"settings", train_settings_to_json(o)},
                                {"epochs_done", epoch},
                                {"global_step", epoch * steps},
                                {"rng", kRngScheme},
                                {"resumable", !release}};
    save_checkpoint(o.out, *model, info, save);

    if (given.progress) {
      progress.epoch = epoch;
      progress.step = steps;
      progress.epoch_done = true;
      progress.losses = last_means;
      given.progress(progress);
    }
  }
  model->network().eval();

  TrainResult result;
  result.info = info;
  result.info.kind = model->kind();
  result.info.architecture = model->spec().name;
  result.info.hyper_parameters = model->spec().hyper_parameters;
  result.info.latent_dim = model->latent_dim();
  result.info.image_shape = model->image_shape();
  result.info.output_range = model->output_range();
  result.epochs_done = o.epochs;
  result.seconds = seconds_since(start);
  result.images_per_second = double(steps_done * batch) / std::max(result.seconds, 1e-9);
  return result;
}

}  // namespace latentlab
