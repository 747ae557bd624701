#include "core/model/model_info.h"

#include <cmath>

#include "core/common/error.h"

namespace latentlab {
namespace {

nlohmann::json to_json(const Provenance& p) {
  return {{"command", p.command}, {"data", p.data},
          {"date", p.date},       {"epochs", p.epochs},
          {"seed", p.seed},       {"train_seconds", p.train_seconds},
          {"metrics", p.metrics}, {"loss_history", p.loss_history}};
}

Provenance provenance_from_json(const nlohmann::json& j) {
  Provenance p;
  p.command = j.value("command", "");
  p.data = j.value("data", "");
  p.date = j.value("date", "");
  p.epochs = j.value("epochs", int64_t{0});
  p.seed = j.value("seed", int64_t{0});
  p.train_seconds = j.value("train_seconds", 0.0);
  p.metrics = j.value("metrics", nlohmann::json::object());
  p.loss_history = j.value("loss_history", nlohmann::json::array());
  return p;
}

void check_finite(const std::vector<float>& values, const std::string& what) {
  for (float v : values)
    if (!std::isfinite(v)) throw InputError(what + " contains NaN or Inf");
}

void check_size(size_t got, int64_t want, const std::string& what) {
  if (int64_t(got) != want)
    throw InputError(what + " has " + std::to_string(got) + " values, expected " +
                     std::to_string(want));
}

constexpr int64_t kMaxGmmComponents = 1000;
constexpr size_t kMaxSpecLength = 4096;

}  // namespace

void check_attribute(const std::string& name, const AttributeVector& attribute,
                     int64_t latent_dim) {
  check_size(attribute.direction.size(), latent_dim, "attribute '" + name + "'");
  check_finite(attribute.direction, "attribute '" + name + "'");
}

void check_gmm(const GaussianMixture& m, int64_t latent_dim) {
  if (m.dim != latent_dim) throw InputError("gmm dimension differs from latent_dim");
  if (m.components < 1 || m.components > kMaxGmmComponents)
    throw InputError("gmm component count out of range");
  check_size(m.weights.size(), m.components, "gmm weights");
  check_size(m.means.size(), m.components * m.dim, "gmm means");
  check_size(m.covariances.size(), m.components * m.dim * m.dim, "gmm covariances");
  check_finite(m.weights, "gmm weights");
  check_finite(m.means, "gmm means");
  check_finite(m.covariances, "gmm covariances");
}

void check_datasets(const std::vector<std::string>& datasets) {
  if (datasets.size() > kMaxDatasets)
    throw InputError(std::to_string(datasets.size()) + " bound data sets, at most " +
                     std::to_string(kMaxDatasets) + " are kept");
  for (const auto& spec : datasets)
    if (spec.empty() || spec.size() > kMaxSpecLength)
      throw InputError("a bound data set spec is empty or longer than " +
                       std::to_string(kMaxSpecLength) + " characters");
}

nlohmann::json to_json(const ModelInfo& info) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, a] : info.attributes) {
    attributes[name] = {{"direction", a.direction}, {"method", a.method}, {"source", a.source}};
    if (a.accuracy) attributes[name]["accuracy"] = *a.accuracy;
  }
  nlohmann::json j = {
      {"name", info.name},
      {"format", info.format},
      {"kind", to_string(info.kind)},
      {"architecture", info.architecture},
      {"hyper_parameters", info.hyper_parameters},
      {"latent_dim", info.latent_dim},
      {"image_shape", {info.image_shape.channels, info.image_shape.height, info.image_shape.width}},
      {"output_range", {info.output_range.lo, info.output_range.hi}},
      {"labels", info.labels},
      {"provenance", to_json(info.provenance)},
      {"attributes", attributes}};
  j["datasets"] = info.datasets;
  if (!info.guided_attributes.empty()) j["guided_attributes"] = info.guided_attributes;
  if (!info.adapted.empty()) j["adapted"] = info.adapted;
  if (info.gmm) {
    const auto& g = *info.gmm;
    j["gmm"] = {{"covariance_type", g.covariance_type},
                {"components", g.components},
                {"dim", g.dim},
                {"weights", g.weights},
                {"means", g.means},
                {"covariances", g.covariances}};
  }
  return j;
}

ModelInfo model_info_from_json(const nlohmann::json& j) {
  ModelInfo info;
  try {
    info.name = j.value("name", "");
    info.format = j.value("format", "latentlab");
    info.kind = parse_model_kind(j.at("kind").get<std::string>());
    info.architecture = j.value("architecture", "");
    info.hyper_parameters = j.value("hyper_parameters", nlohmann::json::object());
    info.latent_dim = j.at("latent_dim").get<int64_t>();
    if (info.latent_dim < 1 || info.latent_dim > 100000)
      throw InputError("latent_dim " + std::to_string(info.latent_dim) + " is out of range");
    const auto shape = j.at("image_shape").get<std::vector<int64_t>>();
    if (shape.size() != 3 || shape[0] < 1 || shape[0] > 4 || shape[1] < 1 || shape[2] < 1 ||
        shape[1] > 4096 || shape[2] > 4096)
      throw InputError("image_shape must be [C, H, W] with C in 1..4 and H, W in 1..4096");
    info.image_shape = {shape[0], shape[1], shape[2]};
    const auto range = j.value("output_range", std::vector<float>{0.0f, 1.0f});
    if (range.size() != 2 || !std::isfinite(range[0]) || !std::isfinite(range[1]) ||
        !(range[0] < range[1]))
      throw InputError("output_range must be [lo, hi] with lo < hi");
    info.output_range = {range[0], range[1]};
    info.labels = j.value("labels", std::vector<std::string>{});
    info.guided_attributes = j.value("guided_attributes", std::vector<std::string>{});
    if (int64_t(info.guided_attributes.size()) > info.latent_dim)
      throw InputError("guided_attributes names more coordinates than the latent has");
    info.provenance = provenance_from_json(j.value("provenance", nlohmann::json::object()));
    const auto attributes = j.value("attributes", nlohmann::json::object());
    for (const auto& [name, a] : attributes.items()) {
      AttributeVector v;
      // The TorchScript contract allows a bare array; our checkpoints store an object.
      v.direction = (a.is_array() ? a : a.at("direction")).get<std::vector<float>>();
      if (a.is_object()) {
        v.method = a.value("method", "");
        v.source = a.value("source", "");
        if (a.contains("accuracy")) v.accuracy = a.at("accuracy").get<double>();
      }
      check_attribute(name, v, info.latent_dim);
      info.attributes[name] = std::move(v);
    }
    if (j.contains("gmm") && !j.at("gmm").is_null()) {
      const auto& g = j.at("gmm");
      GaussianMixture m;
      m.covariance_type = g.value("covariance_type", "full");
      m.components = g.at("components").get<int64_t>();
      m.dim = g.at("dim").get<int64_t>();
      m.weights = g.at("weights").get<std::vector<float>>();
      m.means = g.at("means").get<std::vector<float>>();
      m.covariances = g.at("covariances").get<std::vector<float>>();
      check_gmm(m, info.latent_dim);
      info.gmm = std::move(m);
    }
    info.datasets = j.value("datasets", std::vector<std::string>{});
    check_datasets(info.datasets);
    info.adapted = j.value("adapted", std::vector<std::string>{});
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("bad metadata: ") + e.what());
  }
  return info;
}

}  // namespace latentlab
