#include "core/analysis/tsne_gradient.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/map_support.h"

namespace latentlab {
namespace {

constexpr double kMachineEpsilon = std::numeric_limits<double>::epsilon();
// scikit-learn's Barnes-Hut floor in its error term.
constexpr double kFloat32Tiny = 1.1754943508222875e-38;

double ordered_sum(const std::vector<double>& values) {
  double total = 0.0;
  for (double v : values) total += v;
  return total;
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
                                std::vector<double>& grad) {
  const int64_t n = int64_t(y.size() / 2);
  grad.assign(y.size(), 0.0);
  tree.build(y.data(), n);
  std::vector<double> repulsion(y.size(), 0.0), row_z(size_t(n), 0.0), row_kl(size_t(n), 0.0);
  parallel_rows(n, 64, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      tree.repulsion(y[size_t(2 * i)], y[size_t(2 * i + 1)], theta, &repulsion[size_t(2 * i)],
                     &repulsion[size_t(2 * i + 1)], &row_z[size_t(i)]);
  });
  const double z = std::max(ordered_sum(row_z), kMachineEpsilon);
  parallel_rows(n, 64, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double ax = 0.0, ay = 0.0, kl = 0.0;
      for (int64_t e = p.offsets[size_t(i)]; e < p.offsets[size_t(i + 1)]; ++e) {
        const int64_t j = p.columns[size_t(e)];
        const double dx = y[size_t(2 * i)] - y[size_t(2 * j)];
        const double dy = y[size_t(2 * i + 1)] - y[size_t(2 * j + 1)];
        const double k = 1.0 / (1.0 + dx * dx + dy * dy);
        const double pij = exaggeration * double(p.weights[size_t(e)]);
        kl += pij * std::log(std::max(pij, kFloat32Tiny) / std::max(k / z, kFloat32Tiny));
        ax += pij * k * dx;
        ay += pij * k * dy;
      }
      grad[size_t(2 * i)] = 4.0 * (ax - repulsion[size_t(2 * i)] / z);
      grad[size_t(2 * i + 1)] = 4.0 * (ay - repulsion[size_t(2 * i + 1)] / z);
      row_kl[size_t(i)] = kl;
    }
  });
  return ordered_sum(row_kl);
}

}  // namespace latentlab
