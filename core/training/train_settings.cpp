#include "core/training/train_settings.h"

#include <filesystem>

#include "core/common/error.h"
#include "core/io/checkpoint_file.h"
#include "core/model/model_file.h"
#include "core/training/batch_plan.h"
#include "core/training/communicator.h"

namespace latentlab {
namespace {

constexpr double kVaeLearningRate = 1e-3;
constexpr double kGanLearningRate = 2e-4;  // Radford et al.

}  // namespace

TrainOptions with_defaults(TrainOptions o, const ImageShape& shape) {
  if (o.epochs < 1) throw InputError("epochs must be >= 1");
  if (o.batch_size < 1) throw InputError("batch size must be >= 1");
  if (!(o.lr >= 0.0)) throw InputError("learning rate must be positive");
  if (!(o.beta >= 0.0)) throw InputError("beta must be >= 0");
  if (o.warmup_steps < 0) throw InputError("warm-up steps must be >= 0");
  if (!(o.attribute_weight >= 0.0)) throw InputError("attribute weight must be >= 0");
  if (o.attribute_weight > 0.0 && o.kind != ModelKind::Vae)
    throw InputError("the attribute weight guides a VAE's latent; a DCGAN has no encoder");
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
    j["warmup_steps"] = o.warmup_steps;
    j["attribute_weight"] = o.attribute_weight;
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
      o.warmup_steps = j.value("warmup_steps", int64_t(0));   // absent before it existed
      o.attribute_weight = j.value("attribute_weight", 0.0);  // likewise
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
  const ModelInfo info = checkpoint_info(file, path);
  try {
    state.image_shape = info.image_shape;
    state.output_range = info.output_range;
    state.settings = train_settings_from_json(train.at("settings"));
    state.epochs_done = train.at("epochs_done").get<int64_t>();
  } catch (const std::exception& e) {
    throw CheckpointError(path + ": bad training state: " + e.what());
  }
  return state;
}

TrainState read_train_state(const std::string& path, Communicator& group) {
  const auto text = group.share([&] {
    const TrainState s = read_train_state(path);
    return nlohmann::json{
        {"settings", train_settings_to_json(s.settings)},
        {"image_shape", {s.image_shape.channels, s.image_shape.height, s.image_shape.width}},
        {"output_range", {s.output_range.lo, s.output_range.hi}},
        {"epochs_done", s.epochs_done}}
        .dump();
  });
  const auto j = nlohmann::json::parse(text);
  TrainState s;
  s.settings = train_settings_from_json(j.at("settings"));
  const auto& shape = j.at("image_shape");
  s.image_shape = {shape.at(0).get<int64_t>(), shape.at(1).get<int64_t>(),
                   shape.at(2).get<int64_t>()};
  s.output_range = {j.at("output_range").at(0).get<float>(),
                    j.at("output_range").at(1).get<float>()};
  s.epochs_done = j.at("epochs_done").get<int64_t>();
  return s;
}

}  // namespace latentlab
