#include "core/analysis/tsne_affinities.h"

#include <cmath>

#include "core/analysis/map_support.h"

namespace latentlab {
namespace {

// scikit-learn's constants.
constexpr int kPerplexitySearchSteps = 100;
constexpr double kEntropyTolerance = 1e-5;
constexpr double kMinimumSum = 1e-8;

}  // namespace

double perplexity_row(const float* d2, int64_t count, int64_t skip, double perplexity, double* p) {
  const double desired = std::log(perplexity);
  double beta = 1.0, beta_min = -std::numeric_limits<double>::infinity(),
         beta_max = std::numeric_limits<double>::infinity();
  for (int step = 0; step < kPerplexitySearchSteps; ++step) {
    double sum = 0.0;
    for (int64_t j = 0; j < count; ++j) {
      p[j] = j == skip ? 0.0 : std::exp(-double(d2[j]) * beta);
      sum += p[j];
    }
    if (sum == 0.0) sum = kMinimumSum;
    double weighted = 0.0;
    for (int64_t j = 0; j < count; ++j) {
      p[j] /= sum;
      weighted += double(d2[j]) * p[j];
    }
    const double entropy_gap = std::log(sum) + beta * weighted - desired;
    if (std::fabs(entropy_gap) <= kEntropyTolerance) break;
    if (entropy_gap > 0.0) {
      beta_min = beta;
      beta = std::isinf(beta_max) ? beta * 2.0 : (beta + beta_max) / 2.0;
    } else {
      beta_max = beta;
      beta = std::isinf(beta_min) ? beta / 2.0 : (beta + beta_min) / 2.0;
    }
  }
  return beta;
}

std::vector<double> exact_affinities(const RowMatrix& data, double perplexity) {
  const int64_t n = data.rows;
  std::vector<double> conditional(size_t(n * n));
  parallel_rows(n, 16, [&](int64_t begin, int64_t end) {
    std::vector<float> d2(static_cast<size_t>(n));
    for (int64_t i = begin; i < end; ++i) {
      for (int64_t j = 0; j < n; ++j)
        d2[size_t(j)] = float(squared_distance(data.row(i), data.row(j), data.cols));
      perplexity_row(d2.data(), n, i, perplexity, conditional.data() + i * n);
    }
  });
  std::vector<double> joint(size_t(n * n), 0.0);
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) total += conditional[size_t(i * n + j)];
  total = std::max(2.0 * total, kMachineEpsilon);  // the sum of P_c + P_c^T
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      if (i != j)
        joint[size_t(i * n + j)] =
            std::max((conditional[size_t(i * n + j)] + conditional[size_t(j * n + i)]) / total,
                     kMachineEpsilon);
  return joint;
}

SparseGraph knn_affinities(const KnnGraph& knn, double perplexity) {
  const int64_t n = knn.rows, k = knn.k;
  std::vector<float> weights(size_t(n * k));
  parallel_rows(n, 256, [&](int64_t begin, int64_t end) {
    std::vector<float> d2(static_cast<size_t>(k));
    std::vector<double> p(static_cast<size_t>(k));
    for (int64_t i = begin; i < end; ++i) {
      for (int64_t c = 0; c < k; ++c)
        d2[size_t(c)] = knn.row_distances(i)[c] * knn.row_distances(i)[c];
      perplexity_row(d2.data(), k, -1, perplexity, p.data());
      for (int64_t c = 0; c < k; ++c) weights[size_t(i * k + c)] = float(p[size_t(c)]);
    }
  });
  auto graph = symmetric_graph(knn, weights, Symmetrise::Sum);
  double total = 0.0;
  for (float w : graph.weights) total += w;
  total = std::max(total, kMachineEpsilon);
  for (float& w : graph.weights) w = float(w / total);
  return graph;
}

}  // namespace latentlab
