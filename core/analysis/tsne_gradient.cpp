#include "core/analysis/tsne_gradient.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/map_support.h"
#include "core/common/cpu_clones.h"

namespace latentlab {
namespace {

// scikit-learn's Barnes-Hut floor in its error term.
constexpr double kFloat32Tiny = 1.1754943508222875e-38;

double ordered_sum(const std::vector<double>& values) {
  double total = 0.0;
  for (double v : values) total += v;
  return total;
}

// sum_j p_ij (1 + |y_i - y_j|^2)^-1 (y_i - y_j) over one row of P, in single precision with 8
// partial sums (added in a fixed order) so that the loop vectorises, compiled for AVX2 and for
// any x86-64 (see quadtree.cpp). y: 2 floats per point.
LATENTLAB_AVX2_CLONES void attraction(const int32_t* columns, const float* weights, int64_t count,
                                      const float* y, int64_t i, float* ax, float* ay) {
  constexpr int kLanes = 8;
  float sx[kLanes] = {}, sy[kLanes] = {};
  const float xi = y[2 * i], yi = y[2 * i + 1];
  int64_t e = 0;
  for (; e + kLanes <= count; e += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      const int64_t j = columns[e + l];
      const float dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
      const float pk = weights[e + l] / (1.0f + dx * dx + dy * dy);
      sx[l] += pk * dx;
      sy[l] += pk * dy;
    }
  for (int l = 0; e < count; ++e, ++l) {
    const int64_t j = columns[e];
    const float dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
    const float pk = weights[e] / (1.0f + dx * dx + dy * dy);
    sx[l] += pk * dx;
    sy[l] += pk * dy;
  }
  for (int l = 0; l < kLanes; ++l) {
    *ax += sx[l];
    *ay += sy[l];
  }
}

}  // namespace

double exact_tsne_gradient(const std::vector<double>& p, const std::vector<double>& y,
                           double exaggeration, std::vector<double>& grad) {
  const int64_t n = int64_t(y.size() / 2);
  grad.assign(y.size(), 0.0);
  const auto kernel = [&](int64_t i, int64_t j) {
    const double dx = y[size_t(2 * i)] - y[size_t(2 * j)];
    const double dy = y[size_t(2 * i + 1)] - y[size_t(2 * j + 1)];
    return 1.0 / (1.0 + dx * dx + dy * dy);
  };
  // Per-row sums, then their sum in row order: the same Z for any thread count.
  std::vector<double> row_z(size_t(n), 0.0), row_kl(size_t(n), 0.0);
  parallel_rows(n, 32, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      for (int64_t j = 0; j < n; ++j)
        if (j != i) row_z[size_t(i)] += kernel(i, j);
  });
  const double z = ordered_sum(row_z);
  parallel_rows(n, 32, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double gx = 0.0, gy = 0.0, kl = 0.0;
      for (int64_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const double k = kernel(i, j);
        const double q = std::max(k / z, kMachineEpsilon);
        const double pij = exaggeration * p[size_t(i * n + j)];
        if (pij > 0.0) kl += pij * std::log(std::max(pij, kMachineEpsilon) / q);
        const double force = (pij - q) * k;
        gx += force * (y[size_t(2 * i)] - y[size_t(2 * j)]);
        gy += force * (y[size_t(2 * i + 1)] - y[size_t(2 * j + 1)]);
      }
      grad[size_t(2 * i)] = 4.0 * gx;
      grad[size_t(2 * i + 1)] = 4.0 * gy;
      row_kl[size_t(i)] = kl;
    }
  });
  return ordered_sum(row_kl);
}

double barnes_hut_tsne_gradient(const SparseGraph& p, const std::vector<double>& y,
                                double exaggeration, double theta, QuadTree& tree,
                                std::vector<double>& grad, bool with_kl) {
  const int64_t n = int64_t(y.size() / 2);
  grad.assign(y.size(), 0.0);
  tree.build(y.data(), n);
  std::vector<double> repulsion(y.size(), 0.0), row_z(size_t(n), 0.0), row_kl(size_t(n), 0.0);
  // Runs of neighbouring points along the tree's curve share one walk of the tree.
  const int64_t groups = (n + QuadTree::kGroup - 1) / QuadTree::kGroup;
  parallel_rows(groups, 8, [&](int64_t begin, int64_t end) {
    for (int64_t g = begin; g < end; ++g)
      tree.repulsion(y.data(), g * QuadTree::kGroup,
                     std::min<int64_t>(QuadTree::kGroup, n - g * QuadTree::kGroup), theta,
                     repulsion.data(), row_z.data());
  });
  const double z = std::max(ordered_sum(row_z), kMachineEpsilon);
  std::vector<float> yf(y.begin(), y.end());
  parallel_rows(n, 64, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const int64_t first = p.offsets[size_t(i)], count = p.offsets[size_t(i + 1)] - first;
      float ax = 0.0f, ay = 0.0f;
      attraction(p.columns.data() + first, p.weights.data() + first, count, yf.data(), i, &ax, &ay);
      grad[size_t(2 * i)] = 4.0 * (exaggeration * ax - repulsion[size_t(2 * i)] / z);
      grad[size_t(2 * i + 1)] = 4.0 * (exaggeration * ay - repulsion[size_t(2 * i + 1)] / z);
      if (!with_kl) continue;
      double kl = 0.0;
      for (int64_t e = first; e < first + count; ++e) {
        const int64_t j = p.columns[size_t(e)];
        const double dx = y[size_t(2 * i)] - y[size_t(2 * j)];
        const double dy = y[size_t(2 * i + 1)] - y[size_t(2 * j + 1)];
        const double q = 1.0 / (1.0 + dx * dx + dy * dy) / z;
        const double pij = exaggeration * double(p.weights[size_t(e)]);
        kl += pij * std::log(std::max(pij, kFloat32Tiny) / std::max(q, kFloat32Tiny));
      }
      row_kl[size_t(i)] = kl;
    }
  });
  return with_kl ? ordered_sum(row_kl) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace latentlab
