// Brute-force kNN: matrix products over tiles of (query rows, points) give approximate squared
// distances |q|^2 + |x|^2 - 2 q.x (float32: near points can swap), a heap per row keeps a few
// more candidates than asked, and write_nearest re-measures those exactly. Ties in the heap are
// broken by (distance, index), so the kept set does not depend on the tiling.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/knn.h"
#include "core/analysis/knn_rows.h"
#include "core/common/error.h"

namespace latentlab {
namespace detail {

void write_nearest(const RowMatrix& points, const float* query, std::vector<KnnCandidate>& cand,
                   int64_t self, int64_t k, int32_t* indices, float* distances) {
  std::vector<std::pair<double, int32_t>> exact;
  exact.reserve(cand.size());
  for (const auto& [approx, j] : cand)
    if (j != self) exact.emplace_back(squared_distance(query, points.row(j), points.cols), j);
  std::sort(exact.begin(), exact.end());
  for (int64_t c = 0; c < k; ++c) {
    const bool have = c < int64_t(exact.size());
    indices[c] = have ? exact[c].second : -1;
    distances[c] = have ? float(std::sqrt(exact[c].first)) : std::numeric_limits<float>::infinity();
  }
}

}  // namespace detail

namespace {

constexpr int64_t kCandidateMargin = 8;  // extra candidates against float32 rounding
// A tile of kQueryBlock x kPointBlock approximate distances (16 MB) is written by one
// multi-threaded matrix product and read by the selection while it is still in cache.
constexpr int64_t kQueryBlock = 1024, kPointBlock = 4096;
constexpr int64_t kRowGrain = 32;

// Keeps the `keep` smallest (distance, index) pairs offered: a max-heap, the worst on top.
struct Nearest {
  std::vector<detail::KnnCandidate> heap;

  float worst(int64_t keep) const {
    return int64_t(heap.size()) < keep ? std::numeric_limits<float>::infinity()
                                       : heap.front().first;
  }
  void offer(float d2, int32_t j, int64_t keep) {
    if (int64_t(heap.size()) == keep) {
      std::pop_heap(heap.begin(), heap.end());
      heap.pop_back();
    }
    heap.emplace_back(d2, j);
    std::push_heap(heap.begin(), heap.end());
  }
};

}  // namespace

KnnGraph exact_knn(const RowMatrix& points, const float* queries, int64_t rows, int64_t k,
                   bool exclude_self, const MapProgress& progress) {
  torch::NoGradGuard no_grad;
  const int64_t n = points.rows, d = points.cols;
  if (n == 0 || k < 1) throw InputError("nearest neighbours: need points and k >= 1");
  KnnGraph graph;
  graph.rows = rows;
  graph.k = k;
  graph.indices.assign(size_t(rows * k), -1);
  graph.distances.assign(size_t(rows * k), std::numeric_limits<float>::infinity());
  const int64_t keep = std::min(n, k + kCandidateMargin + (exclude_self ? 1 : 0));
  const auto all = torch::from_blob(const_cast<float*>(points.values.data()), {n, d});
  const auto norms = all.square().sum(1).contiguous();
  const float* norm = norms.data_ptr<float>();
  std::vector<Nearest> nearest(static_cast<size_t>(kQueryBlock));
  auto tile = torch::empty({kQueryBlock, kPointBlock});
  for (int64_t start = 0; start < rows; start += kQueryBlock) {
    const int64_t b = std::min(kQueryBlock, rows - start);
    const auto q = torch::from_blob(const_cast<float*>(queries + start * d), {b, d});
    const auto qnorms = q.square().sum(1).contiguous();
    const float* qnorm = qnorms.data_ptr<float>();
    for (auto& row : nearest) row.heap.clear();
    for (int64_t from = 0; from < n; from += kPointBlock) {
      const int64_t m = std::min(kPointBlock, n - from);
      auto dots = tile.view(-1).narrow(0, 0, b * m).view({b, m});
      torch::mm_out(dots, q, all.narrow(0, from, m).t());
      const float* dot = dots.data_ptr<float>();
      parallel_rows(b, kRowGrain, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
          Nearest& row = nearest[size_t(r)];
          float worst = row.worst(keep);
          for (int64_t j = 0; j < m; ++j) {
            const float d2 = qnorm[r] + norm[from + j] - 2.0f * dot[r * m + j];
            if (d2 < worst) {
              row.offer(d2, int32_t(from + j), keep);
              worst = row.worst(keep);
            }
          }
        }
      });
    }
    parallel_rows(b, kRowGrain, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t i = start + r;
        detail::write_nearest(points, queries + i * d, nearest[size_t(r)].heap,
                              exclude_self ? i : -1, k, graph.indices.data() + i * k,
                              graph.distances.data() + i * k);
      }
    });
    report_progress(progress, start + b, rows);
  }
  return graph;
}

}  // namespace latentlab
