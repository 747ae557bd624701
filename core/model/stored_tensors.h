#pragma once
// Numbers that checkpoints and analysis stores keep as tensors of their container
// (core/io/checkpoint_file.h) rather than as JSON text, and the checks on reading them back.
//
// A GMM: "gmm/weights" [K], "gmm/means" [K, D], "gmm/covariances" [K, D, D] (float32, full
// matrices whatever the covariance type), described in the header by
// {"covariance_type": "full" | "diag" | "spherical", "components": K}. As JSON text, faces-vae's
// five 128-D components were 1.7 MB of header that every load parsed.
#include <torch/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/io/checkpoint_file.h"
#include "core/model/model_info.h"

namespace latentlab {

torch::Tensor tensor_of(const std::vector<float>& values, std::vector<int64_t> shape);

// The float32 values of a stored tensor after checking its exact shape; CheckpointError naming
// `path` when it is missing or of another shape or type.
std::vector<float> values_of(const CheckpointFile& file, const std::string& name,
                             const std::vector<int64_t>& shape, const std::string& path);

bool is_gmm_tensor(const std::string& name);

// Puts the GMM's tensors into `file` and returns its header object.
nlohmann::json store_gmm(const GaussianMixture& gmm, CheckpointFile& file);
// The GMM a header object and the file's tensors describe, checked: CheckpointError naming
// `path` when they disagree, InputError from check_gmm, nlohmann's exceptions for a bad header.
GaussianMixture read_gmm(const nlohmann::json& header, const CheckpointFile& file,
                         int64_t latent_dim, const std::string& path);

}  // namespace latentlab
