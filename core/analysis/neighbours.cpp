#include "core/analysis/neighbours.h"

#include <torch/torch.h>

#include "core/common/error.h"

namespace latentlab {

std::string to_string(DistanceMetric metric) {
  return metric == DistanceMetric::Cosine ? "cosine" : "euclidean";
}

DistanceMetric parse_distance_metric(const std::string& text) {
  if (text == "euclidean") return DistanceMetric::Euclidean;
  if (text == "cosine") return DistanceMetric::Cosine;
  throw InputError("unknown distance '" + text + "' (use euclidean or cosine)");
}

Neighbours nearest_neighbours(const torch::Tensor& latents, const torch::Tensor& query, int64_t k,
                              DistanceMetric metric) {
  torch::NoGradGuard no_grad;
  if (!latents.defined() || latents.dim() != 2 || latents.size(0) == 0)
    throw InputError("nearest neighbours: the data set latents must have shape [N, D], N > 0");
  const bool single = query.dim() == 1;
  auto q = (single ? query.unsqueeze(0) : query).to(latents.device(), torch::kFloat32);
  if (q.dim() != 2 || q.size(1) != latents.size(1))
    throw InputError("nearest neighbours: the query must have " + std::to_string(latents.size(1)) +
                     " values, got shape " + c10::str(query.sizes()));
  if (k < 1) throw InputError("nearest neighbours: k must be at least 1");
  k = std::min(k, latents.size(0));
  auto data = latents.to(torch::kFloat32);
  torch::Tensor distances;
  if (metric == DistanceMetric::Cosine) {
    // Zero vectors have no direction: clamp the norm so they end up at distance 1.
    const auto unit = [](const torch::Tensor& x) {
      return x / x.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12);
    };
    distances = 1.0 - torch::matmul(unit(q), unit(data).t());
  } else {
    // cdist's matrix-multiply path loses precision for near points; the direct path is exact
    // enough and still fast for the one or few queries the UI asks for.
    distances = torch::cdist(q.unsqueeze(0), data.unsqueeze(0), 2.0,
                             /*compute_mode=*/2)  // never use matrix multiplication
                    .squeeze(0);
  }
  auto [nearest, order] = torch::topk(distances, k, /*dim=*/1, /*largest=*/false, /*sorted=*/true);
  Neighbours result{order.to(torch::kCPU), nearest.to(torch::kCPU)};
  if (single) {
    result.indices = result.indices.squeeze(0);
    result.distances = result.distances.squeeze(0);
  }
  return result;
}

}  // namespace latentlab
