#pragma once
// Small data sets for the map tests: Gaussian blobs with known labels, reproducible from a seed.
#include <torch/torch.h>

#include <cstdint>
#include <utility>

// `per_blob` points around each of `blobs` centres in `dim` dimensions: centres drawn with
// standard deviation `spread`, points with standard deviation 1. {points [N, dim], labels [N]}.
inline std::pair<torch::Tensor, torch::Tensor> gaussian_blobs(int64_t blobs, int64_t per_blob,
                                                              int64_t dim, double spread,
                                                              uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  const auto centres = torch::randn({blobs, dim}, generator) * spread;
  const auto labels = torch::arange(blobs).repeat_interleave(per_blob);
  const auto points =
      centres.index_select(0, labels) + torch::randn({blobs * per_blob, dim}, generator);
  return {points, labels};
}

// The fraction of points whose nearest other point in xy [N, 2] has the same label.
inline double nearest_neighbour_accuracy(const torch::Tensor& xy, const torch::Tensor& labels) {
  auto d = torch::cdist(xy.to(torch::kFloat64), xy.to(torch::kFloat64));
  d.fill_diagonal_(std::numeric_limits<double>::infinity());
  const auto nearest = d.argmin(1);
  return (labels.index_select(0, nearest) == labels).to(torch::kFloat64).mean().item<double>();
}
