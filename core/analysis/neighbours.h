#pragma once
// The data set latents closest to a latent: "what real images look like this point".
#include <torch/types.h>

#include <string>

namespace latentlab {

enum class DistanceMetric { Euclidean, Cosine };

std::string to_string(DistanceMetric metric);                   // "euclidean", "cosine"
DistanceMetric parse_distance_metric(const std::string& text);  // throws InputError

struct Neighbours {
  torch::Tensor indices;    // int64, rows of the data set latents, nearest first
  torch::Tensor distances;  // float32; Euclidean distance, or 1 - cosine similarity
};

// latents [N, D]; query [D] (results [k]) or [M, D] (results [M, k]). k is capped at N.
// The order of equal distances is unspecified. Runs on latents' device; results are on the CPU.
// Throws InputError for mismatched sizes, k < 1 or an empty data set.
Neighbours nearest_neighbours(const torch::Tensor& latents, const torch::Tensor& query, int64_t k,
                              DistanceMetric metric = DistanceMetric::Euclidean);

}  // namespace latentlab
