// kNN graphs: exact search against a plain loop, HNSW recall@10 against exact search,
// determinism, cancellation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "core/analysis/knn.h"
#include "core/common/error.h"
#include "tests/core/map_test_data.h"

using namespace latentlab;

namespace {

RowMatrix rows_of(const torch::Tensor& x) { return to_row_matrix(x, "test", 1); }

}  // namespace

TEST(Knn, ExactMatchesAPlainLoop) {
  torch::manual_seed(0);
  const auto x = torch::randn({300, 5});
  const auto points = rows_of(x);
  const auto graph = exact_knn(points, points.values.data(), 300, 7, /*exclude_self=*/true);
  ASSERT_EQ(graph.rows, 300);
  ASSERT_EQ(graph.k, 7);
  const auto x64 = x.to(torch::kFloat64);
  for (int64_t i = 0; i < 300; i += 13) {
    const auto d = (x64 - x64[i]).norm(2, {1});
    std::vector<int64_t> order(300);
    std::iota(order.begin(), order.end(), 0);
    order.erase(order.begin() + i);
    std::sort(order.begin(), order.end(),
              [&](int64_t a, int64_t b) { return d[a].item<double>() < d[b].item<double>(); });
    for (int64_t c = 0; c < 7; ++c) {
      EXPECT_EQ(graph.row_indices(i)[c], order[size_t(c)]) << "row " << i;
      EXPECT_NEAR(graph.row_distances(i)[c], d[order[size_t(c)]].item<double>(), 1e-5);
    }
  }
}

TEST(Knn, DuplicatesAreOrderedByIndexAndSelfIsLeftOut) {
  const auto x =
      torch::tensor({{0.0f, 0.0f}, {1.0f, 0.0f}, {0.0f, 0.0f}, {0.0f, 0.0f}, {5.0f, 5.0f}});
  const auto points = rows_of(x);
  const auto graph = exact_knn(points, points.values.data(), 5, 3, /*exclude_self=*/true);
  EXPECT_EQ(std::vector<int32_t>(graph.row_indices(0), graph.row_indices(0) + 3),
            (std::vector<int32_t>{2, 3, 1}));
  EXPECT_EQ(std::vector<int32_t>(graph.row_indices(2), graph.row_indices(2) + 3),
            (std::vector<int32_t>{0, 3, 1}));
  EXPECT_EQ(graph.row_distances(2)[1], 0.0f);
}

TEST(Knn, HnswRecallAtTenIsAtLeast95PercentAndDeterministic) {
  // Blobs in 16 dimensions like a VAE's latents: clusters, no low-dimensional shortcut.
  const auto [x, labels] = gaussian_blobs(10, 600, 16, 3.0, 1);
  KnnOptions hnsw;
  hnsw.method = KnnMethod::Hnsw;
  KnnIndex approximate, exact;
  approximate.build(rows_of(x), hnsw);
  exact.build(rows_of(x), KnnOptions{KnnMethod::Exact});
  ASSERT_EQ(approximate.method(), KnnMethod::Hnsw);
  ASSERT_EQ(exact.method(), KnnMethod::Exact);
  const auto found = approximate.graph(10), truth = exact.graph(10);
  const double recall = knn_recall(found, truth);
  EXPECT_GE(recall, 0.95);
  std::printf("HNSW recall@10 on 6000 points in 16-D: %.4f\n", recall);

  // New points: queries away from the indexed ones.
  const auto queries =
      rows_of(gaussian_blobs(10, 30, 16, 3.0, 1).first + 0.5 * torch::randn({300, 16}));
  EXPECT_GE(knn_recall(approximate.query(queries.values.data(), 300, 10),
                       exact.query(queries.values.data(), 300, 10)),
            0.95);

  // The same seed gives the same graph, whatever the number of threads.
  const int threads = torch::get_num_threads();
  torch::set_num_threads(1);
  KnnIndex again;
  again.build(rows_of(x), hnsw);
  const auto repeat = again.graph(10);
  torch::set_num_threads(threads);
  EXPECT_EQ(repeat.indices, found.indices);
  EXPECT_EQ(repeat.distances, found.distances);
}

TEST(Knn, BuildAndGraphCanBeCancelled) {
  const auto x = torch::randn({5000, 4});
  KnnOptions hnsw;
  hnsw.method = KnnMethod::Hnsw;
  KnnIndex index;
  int64_t calls = 0;
  EXPECT_THROW(index.build(rows_of(x), hnsw, [&](int64_t, int64_t) { return ++calls < 2; }),
               Cancelled);
  EXPECT_EQ(calls, 2);
  KnnIndex exact;
  exact.build(rows_of(x), KnnOptions{KnnMethod::Exact});
  EXPECT_THROW(exact.graph(5, [](int64_t, int64_t) { return false; }), Cancelled);
}

TEST(Knn, AutoPicksByTheLimitAndBadInputThrows) {
  KnnOptions options;
  options.exact_limit = 100;
  KnnIndex small, large;
  small.build(rows_of(torch::randn({100, 3})), options);
  large.build(rows_of(torch::randn({101, 3})), options);
  EXPECT_EQ(small.method(), KnnMethod::Exact);
  EXPECT_EQ(large.method(), KnnMethod::Hnsw);
  EXPECT_EQ(small.graph(500).k, 99);  // capped at N - 1
  EXPECT_THROW(small.build(rows_of(torch::randn({1, 3}))), InputError);
  EXPECT_THROW(to_row_matrix(torch::full({3, 2}, NAN), "test", 1), InputError);
  EXPECT_EQ(parse_knn_method("hnsw"), KnnMethod::Hnsw);
  EXPECT_THROW(parse_knn_method("annoy"), InputError);
}
