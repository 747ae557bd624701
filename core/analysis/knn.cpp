#include "core/analysis/knn.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "core/analysis/knn_hnsw.h"
#include "core/analysis/knn_rows.h"
#include "core/common/error.h"

namespace latentlab {
namespace {

constexpr int64_t kReportBlock = 4096;  // rows searched between progress calls
constexpr int64_t kSearchGrain = 64;

}  // namespace

std::string to_string(KnnMethod method) {
  switch (method) {
    case KnnMethod::Exact:
      return "exact";
    case KnnMethod::Hnsw:
      return "hnsw";
    case KnnMethod::Auto:
      break;
  }
  return "auto";
}

KnnMethod parse_knn_method(const std::string& text) {
  if (text == "auto") return KnnMethod::Auto;
  if (text == "exact") return KnnMethod::Exact;
  if (text == "hnsw") return KnnMethod::Hnsw;
  throw InputError("unknown neighbour search '" + text + "' (use auto, exact or hnsw)");
}

KnnIndex::KnnIndex() = default;
KnnIndex::~KnnIndex() = default;
KnnIndex::KnnIndex(KnnIndex&&) noexcept = default;
KnnIndex& KnnIndex::operator=(KnnIndex&&) noexcept = default;

void KnnIndex::build(RowMatrix points, const KnnOptions& options, const MapProgress& progress) {
  if (points.rows < 2) throw InputError("nearest neighbours: need at least 2 points");
  hnsw_.reset();
  points_ = std::move(points);
  options_ = options;
  method_ = options.method;
  if (method_ == KnnMethod::Auto)
    method_ = points_.rows <= options.exact_limit ? KnnMethod::Exact : KnnMethod::Hnsw;
  if (method_ == KnnMethod::Hnsw)
    hnsw_ = std::make_unique<HnswIndex>(points_, options.hnsw_m, options.hnsw_ef_construction,
                                        options.hnsw_ef_search, options.seed, progress);
}

KnnGraph KnnIndex::graph(int64_t k, const MapProgress& progress) const {
  const int64_t n = size();
  if (n < 2) throw InputError("nearest neighbours: the index is empty");
  k = std::clamp<int64_t>(k, 1, n - 1);
  if (method_ == KnnMethod::Exact)
    return exact_knn(points_, points_.values.data(), n, k, /*exclude_self=*/true, progress);
  KnnGraph graph;
  graph.rows = n;
  graph.k = k;
  graph.indices.resize(size_t(n * k));
  graph.distances.resize(size_t(n * k));
  for (int64_t start = 0; start < n; start += kReportBlock) {
    const int64_t end = std::min(n, start + kReportBlock);
    parallel_rows(end - start, kSearchGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = start + b; i < start + e; ++i) {
        // One more than asked: the point itself is normally its own nearest.
        auto cand = hnsw_->search(points_.row(i), k + 1);
        detail::write_nearest(points_, points_.row(i), cand, i, k, graph.indices.data() + i * k,
                              graph.distances.data() + i * k);
      }
    });
    report_progress(progress, end, n);
  }
  return graph;
}

KnnGraph KnnIndex::query(const float* queries, int64_t rows, int64_t k) const {
  if (size() == 0) throw InputError("nearest neighbours: the index is empty");
  k = std::clamp<int64_t>(k, 1, size());
  if (method_ == KnnMethod::Exact)
    return exact_knn(points_, queries, rows, k, /*exclude_self=*/false);
  KnnGraph graph;
  graph.rows = rows;
  graph.k = k;
  graph.indices.resize(size_t(rows * k));
  graph.distances.resize(size_t(rows * k));
  parallel_rows(rows, kSearchGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const float* q = queries + i * dim();
      auto cand = hnsw_->search(q, k);
      detail::write_nearest(points_, q, cand, -1, k, graph.indices.data() + i * k,
                            graph.distances.data() + i * k);
    }
  });
  return graph;
}

double knn_recall(const KnnGraph& found, const KnnGraph& exact) {
  if (found.rows != exact.rows || found.k != exact.k || found.rows == 0)
    throw InputError("kNN recall: the graphs differ in size");
  int64_t hits = 0;
  for (int64_t i = 0; i < exact.rows; ++i) {
    const std::unordered_set<int32_t> truth(exact.row_indices(i), exact.row_indices(i) + exact.k);
    for (int64_t c = 0; c < found.k; ++c) hits += truth.count(found.row_indices(i)[c]);
  }
  return double(hits) / double(exact.rows * exact.k);
}

// Brute-force kNN: matrix products over tiles of (query rows, points) give approximate squared
// distances |q|^2 + |x|^2 - 2 q.x (float32: near points can swap), a heap per row keeps a few
// more candidates than asked, and write_nearest re-measures those exactly. Ties in the heap are
// broken by (distance, index), so the kept set does not depend on the tiling.
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
