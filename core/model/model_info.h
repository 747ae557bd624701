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
  // Latent coordinate i holds attribute guided_attributes[i] (a guided VAE: train
  // --attribute-weight); empty for models whose coordinates have no names.
  std::vector<std::string> guided_attributes;
  Provenance provenance;
  std::map<std::string, AttributeVector> attributes;
  std::optional<GaussianMixture> gmm;
  // Data set specs bound to the model, most recently chosen first: the default of --data and of
  // the latent map. Paths are absolute in memory; files store them relative to themselves
  // (core/data/dataset_spec_paths.h).
  std::vector<std::string> datasets;
  // How a TorchScript module was fitted to the contract at load ("decode() returns [N, 784]:
  // reshaped to [N, 1, 28, 28]"); empty when it follows it. Said by `info`, never stored.
  std::vector<std::string> adapted;
};

// The JSON form used in checkpoints and by `latentlab-cli info --json`. from_json checks types
// and sizes (attribute and GMM lengths against latent_dim) and throws InputError on a mismatch.
nlohmann::json to_json(const ModelInfo& info);
ModelInfo model_info_from_json(const nlohmann::json& j);

// Throws InputError when an attribute vector or the GMM does not fit latent_dim (sizes, counts)
// or holds NaN or Inf: the checks every source of analysis (checkpoint, store) goes through.
void check_attribute(const std::string& name, const AttributeVector& attribute, int64_t latent_dim);
void check_gmm(const GaussianMixture& gmm, int64_t latent_dim);
// Throws InputError for more than kMaxDatasets specs or an empty or over-long one.
void check_datasets(const std::vector<std::string>& datasets);
constexpr size_t kMaxDatasets = 64;

}  // namespace latentlab
