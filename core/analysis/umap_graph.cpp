#include "core/analysis/umap_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace latentlab {
namespace {

// umap-learn's constants.
constexpr double kSmoothTolerance = 1e-5;
constexpr double kMinDistanceScale = 1e-3;
constexpr int kSigmaSearchSteps = 64;

}  // namespace

SmoothKnn smooth_knn_distances(const float* distances, int64_t rows, int64_t cols,
                               double n_neighbours, double local_connectivity, double bandwidth) {
  const double target = std::log2(n_neighbours) * bandwidth;
  double all_sum = 0.0;
  for (int64_t i = 0; i < rows * cols; ++i) all_sum += distances[i];
  const double mean_all = rows * cols > 0 ? all_sum / double(rows * cols) : 0.0;
  SmoothKnn out;
  out.sigmas.resize(size_t(rows));
  out.rhos.resize(size_t(rows));
  parallel_rows(rows, 256, [&](int64_t begin, int64_t end) {
    std::vector<double> non_zero;
    for (int64_t i = begin; i < end; ++i) {
      const float* d = distances + i * cols;
      non_zero.clear();
      double row_sum = 0.0;
      for (int64_t j = 0; j < cols; ++j) {
        row_sum += d[j];
        if (d[j] > 0.0f) non_zero.push_back(d[j]);
      }
      double rho = 0.0;
      const auto whole = int64_t(std::floor(local_connectivity));
      const double fraction = local_connectivity - double(whole);
      if (double(non_zero.size()) >= local_connectivity) {
        if (whole > 0) {
          // Enough non-zero distances for the interpolation's upper end.
          rho = non_zero[size_t(whole - 1)];
          if (fraction > kSmoothTolerance)
            rho += fraction * (non_zero[size_t(whole)] - non_zero[size_t(whole - 1)]);
        } else if (!non_zero.empty()) {
          rho = fraction * non_zero[0];
        }
      } else if (!non_zero.empty()) {
        rho = *std::max_element(non_zero.begin(), non_zero.end());
      }
      double lo = 0.0, hi = std::numeric_limits<double>::infinity(), mid = 1.0;
      for (int step = 0; step < kSigmaSearchSteps; ++step) {
        double psum = 0.0;
        for (int64_t j = 1; j < cols; ++j) {
          const double gap = d[j] - rho;
          psum += gap > 0.0 ? std::exp(-gap / mid) : 1.0;
        }
        if (std::fabs(psum - target) < kSmoothTolerance) break;
        if (psum > target) {
          hi = mid;
          mid = (lo + hi) / 2.0;
        } else {
          lo = mid;
          mid = std::isinf(hi) ? mid * 2.0 : (lo + hi) / 2.0;
        }
      }
      // A floor on sigma keeps memberships finite for points whose neighbours all sit at rho.
      const double floor_scale = rho > 0.0 ? row_sum / double(cols) : mean_all;
      out.sigmas[size_t(i)] = float(std::max(mid, kMinDistanceScale * floor_scale));
      out.rhos[size_t(i)] = float(rho);
    }
  });
  return out;
}

float membership_strength(float distance, float rho, float sigma) {
  if (distance - rho <= 0.0f || sigma == 0.0f) return 1.0f;
  return std::exp(-(distance - rho) / sigma);
}

SparseGraph fuzzy_simplicial_set(const KnnGraph& knn, double local_connectivity) {
  const int64_t n = knn.rows, k = knn.k;
  // umap-learn's rows hold the point itself first, at distance 0.
  std::vector<float> with_self(size_t(n * (k + 1)), 0.0f);
  for (int64_t i = 0; i < n; ++i)
    std::copy(knn.row_distances(i), knn.row_distances(i) + k, with_self.begin() + i * (k + 1) + 1);
  const auto smooth =
      smooth_knn_distances(with_self.data(), n, k + 1, double(k + 1), local_connectivity);

  std::vector<float> weights(size_t(n * k));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < k; ++c)
      weights[size_t(i * k + c)] = membership_strength(
          knn.row_distances(i)[c], smooth.rhos[size_t(i)], smooth.sigmas[size_t(i)]);
  return symmetric_graph(knn, weights, Symmetrise::FuzzyUnion);
}

SparseGraph symmetric_graph(const KnnGraph& knn, const std::vector<float>& weights,
                            Symmetrise rule) {
  const int64_t n = knn.rows, k = knn.k;
  // Every membership twice, once per direction; sorted by (row, column) the two halves of a pair
  // meet and are combined in one pass.
  struct Entry {
    int32_t row, col;
    float weight;
    bool forward;  // w_row,col itself (else w_col,row seen from row)
  };
  std::vector<Entry> entries;
  entries.reserve(size_t(2 * n * k));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < k; ++c) {
      const int32_t j = knn.row_indices(i)[c];
      if (j < 0 || j == i) continue;
      const float w = weights[size_t(i * k + c)];
      if (!(w > 0.0f)) continue;
      entries.push_back({int32_t(i), j, w, true});
      entries.push_back({j, int32_t(i), w, false});
    }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.row, a.col, a.forward) < std::tie(b.row, b.col, b.forward);
  });
  SparseGraph g;
  g.n = n;
  g.offsets.assign(size_t(n + 1), 0);
  for (size_t e = 0; e < entries.size();) {
    float forward = 0.0f, backward = 0.0f;
    size_t f = e;
    for (;
         f < entries.size() && entries[f].row == entries[e].row && entries[f].col == entries[e].col;
         ++f)
      (entries[f].forward ? forward : backward) = entries[f].weight;
    const float w = rule == Symmetrise::FuzzyUnion ? forward + backward - forward * backward
                                                   : forward + backward;
    if (w > 0.0f) {
      g.columns.push_back(entries[e].col);
      g.weights.push_back(w);
      ++g.offsets[size_t(entries[e].row) + 1];
    }
    e = f;
  }
  for (int64_t i = 0; i < n; ++i) g.offsets[size_t(i + 1)] += g.offsets[size_t(i)];
  return g;
}

}  // namespace latentlab
