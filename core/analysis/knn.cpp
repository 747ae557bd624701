#include "core/analysis/knn.h"

#include <algorithm>
#include <unordered_set>

#include "core/analysis/knn_hnsw.h"
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

}  // namespace latentlab
