#pragma once
// Everything a model file says about itself besides its weights: what it is, where it came from,
// and the analysis stored with it (attribute vectors, GMM). No LibTorch here: the UI reads it.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/common/types.h"

namespace latentlab {

struct Provenance {
  std::string command;  // the exact command that trained it
  std::string data;     // data set spec
  std::string date;     // ISO 8601
  int64_t epochs = 0;
  int64_t seed = 0;
  double train_seconds = 0.0;
  nlohmann::json metrics = nlohmann::json::object();      // name -> number
  nlohmann::json loss_history = nlohmann::json::array();  // per epoch records
};

struct AttributeVector {
  std::vector<float> direction;    // latent_dim floats
  std::string method;              // "mean-diff", "linear", "user"
  std::string source;              // data set or selection it came from
  std::optional<double> accuracy;  // separation accuracy of a linear boundary
};

struct GaussianMixture {
  std::string covariance_type = "full";  // full, diag or spherical (as fitted; stored full)
  int64_t components = 0;
  int64_t dim = 0;
  std::vector<float> weights;      // K
  std::vector<float> means;        // K * D, row major
  std::vector<float> covariances;  // K * D * D, row major
};

struct ModelInfo {
  std::string name;
  std::string format = "latentlab";  // "latentlab" or "torchscript"
  ModelKind kind = ModelKind::Vae;
  std::string architecture;  // "conv-vae", "dcgan", or "torchscript"
  nlohmann::json hyper_parameters = nlohmann::json::object();
  int64_t latent_dim = 0;
  ImageShape image_shape;
  OutputRange output_range;
  std::vector<std::string> labels;  // class names of the training data, if any
  Provenance provenance;
  std::map<std::string, AttributeVector> attributes;
  std::optional<GaussianMixture> gmm;
};

// The JSON form used in checkpoints and by `latentlab-cli info --json`. from_json checks types
// and sizes (attribute and GMM lengths against latent_dim) and throws InputError on a mismatch.
nlohmann::json to_json(const ModelInfo& info);
ModelInfo model_info_from_json(const nlohmann::json& j);

}  // namespace latentlab
