// Nearest neighbours in latent space against hand-built cases and a brute-force loop.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/analysis/neighbours.h"
#include "core/common/error.h"

using namespace latentlab;

TEST(Neighbours, HandBuiltEuclidean) {
  const auto data = torch::tensor({{0.0f, 0.0f}, {3.0f, 4.0f}, {1.0f, 0.0f}, {-2.0f, 0.0f}});
  const auto r = nearest_neighbours(data, torch::tensor({0.9f, 0.1f}), 3);
  EXPECT_TRUE(torch::equal(r.indices, torch::tensor({2, 0, 3}, torch::kInt64))) << r.indices;
  EXPECT_NEAR(r.distances[0].item<float>(), std::sqrt(0.01f + 0.01f), 1e-6);
  EXPECT_NEAR(r.distances[1].item<float>(), std::sqrt(0.81f + 0.01f), 1e-6);
  EXPECT_NEAR(r.distances[2].item<float>(), std::sqrt(2.9f * 2.9f + 0.01f), 1e-5);
}

TEST(Neighbours, CosineIgnoresLength) {
  const auto data = torch::tensor({{10.0f, 0.0f}, {0.0f, 1.0f}, {-1.0f, 0.0f}, {1.0f, 1.0f}});
  const auto r = nearest_neighbours(data, torch::tensor({2.0f, 0.1f}), 4, DistanceMetric::Cosine);
  EXPECT_TRUE(torch::equal(r.indices, torch::tensor({0, 3, 1, 2}, torch::kInt64))) << r.indices;
  const double c = 2.0 / std::sqrt(4.01);
  EXPECT_NEAR(r.distances[0].item<float>(), 1.0 - c, 1e-6);
  EXPECT_NEAR(r.distances[3].item<float>(), 1.0 + c, 1e-6);
}

TEST(Neighbours, BatchOfQueriesMatchesBruteForce) {
  torch::manual_seed(0);
  const auto data = torch::randn({500, 8});
  const auto queries = torch::randn({4, 8});
  for (auto metric : {DistanceMetric::Euclidean, DistanceMetric::Cosine}) {
    const auto r = nearest_neighbours(data, queries, 5, metric);
    ASSERT_EQ(r.indices.sizes(), (torch::IntArrayRef{4, 5}));
    for (int64_t q = 0; q < 4; ++q) {
      std::vector<double> d(500);
      for (int64_t i = 0; i < 500; ++i) {
        const auto a = queries[q].to(torch::kFloat64), b = data[i].to(torch::kFloat64);
        d[i] = metric == DistanceMetric::Euclidean
                   ? (a - b).norm().item<double>()
                   : 1.0 - (torch::dot(a, b) / (a.norm() * b.norm())).item<double>();
      }
      std::vector<int64_t> order(500);
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return d[x] < d[y]; });
      for (int64_t j = 0; j < 5; ++j) {
        EXPECT_EQ(r.indices[q][j].item<int64_t>(), order[j]);
        EXPECT_NEAR(r.distances[q][j].item<float>(), d[order[j]], 1e-5);
      }
    }
  }
}

TEST(Neighbours, KIsCappedAndBadInputThrows) {
  const auto data = torch::randn({3, 2});
  EXPECT_EQ(nearest_neighbours(data, torch::zeros({2}), 10).indices.numel(), 3);
  EXPECT_EQ(nearest_neighbours(data, data[1], 1).indices.item<int64_t>(), 1);
  EXPECT_THROW(nearest_neighbours(data, torch::zeros({3}), 1), InputError);
  EXPECT_THROW(nearest_neighbours(data, torch::zeros({2}), 0), InputError);
  EXPECT_THROW(nearest_neighbours(torch::zeros({0, 2}), torch::zeros({2}), 1), InputError);
  EXPECT_EQ(parse_distance_metric("cosine"), DistanceMetric::Cosine);
  EXPECT_THROW(parse_distance_metric("manhattan"), InputError);
}
