#include "core/model/stored_tensors.h"

#include <torch/torch.h>

#include "core/common/error.h"

namespace latentlab {
namespace {

constexpr const char* kGmmWeights = "gmm/weights";
constexpr const char* kGmmMeans = "gmm/means";
constexpr const char* kGmmCovariances = "gmm/covariances";

}  // namespace

torch::Tensor tensor_of(const std::vector<float>& values, std::vector<int64_t> shape) {
  return torch::tensor(values, torch::kFloat32).reshape(shape);
}

std::vector<float> values_of(const CheckpointFile& file, const std::string& name,
                             const std::vector<int64_t>& shape, const std::string& path) {
  const auto it = file.tensors.find(name);
  if (it == file.tensors.end()) fail<CheckpointError>(path, "tensor '" + name + "' is missing");
  const auto& t = it->second;
  if (t.scalar_type() != torch::kFloat32 || t.sizes() != torch::IntArrayRef(shape))
    fail<CheckpointError>(path, "tensor '" + name + "' has shape " + c10::str(t.sizes()) + " (" +
                                    std::string(c10::toString(t.scalar_type())) + "), expected " +
                                    c10::str(torch::IntArrayRef(shape)) + " float32");
  const auto c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

bool is_gmm_tensor(const std::string& name) {
  return name == kGmmWeights || name == kGmmMeans || name == kGmmCovariances;
}

nlohmann::json store_gmm(const GaussianMixture& gmm, CheckpointFile& file) {
  file.tensors[kGmmWeights] = tensor_of(gmm.weights, {gmm.components});
  file.tensors[kGmmMeans] = tensor_of(gmm.means, {gmm.components, gmm.dim});
  file.tensors[kGmmCovariances] = tensor_of(gmm.covariances, {gmm.components, gmm.dim, gmm.dim});
  return {{"covariance_type", gmm.covariance_type}, {"components", gmm.components}};
}

GaussianMixture read_gmm(const nlohmann::json& header, const CheckpointFile& file,
                         int64_t latent_dim, const std::string& path) {
  GaussianMixture m;
  m.covariance_type = header.at("covariance_type").get<std::string>();
  m.components = header.at("components").get<int64_t>();
  if (m.covariance_type != "full" && m.covariance_type != "diag" &&
      m.covariance_type != "spherical")
    fail<CheckpointError>(path, "unknown GMM covariance type '" + m.covariance_type + "'");
  m.dim = latent_dim;
  if (m.components < 1 || m.components > 1000)
    fail<CheckpointError>(
        path, "GMM component count " + std::to_string(m.components) + " is out of range");
  const int64_t k = m.components, d = latent_dim;
  m.weights = values_of(file, kGmmWeights, {k}, path);
  m.means = values_of(file, kGmmMeans, {k, d}, path);
  m.covariances = values_of(file, kGmmCovariances, {k, d, d}, path);
  check_gmm(m, latent_dim);
  return m;
}

}  // namespace latentlab
