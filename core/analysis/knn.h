#pragma once
// k-nearest-neighbour graphs and queries for the non-linear maps (Euclidean distance):
//   exact  brute force, distances from one matrix product per block of rows, then the
//          candidates re-measured directly (so near points keep their order);
//   hnsw   an HNSW index (Malkov and Yashunin 2018) from Debian's libhnswlib-dev for large N.
// Both are deterministic: exact is exact; HNSW is built point by point in index order with the
// level generator seeded from the options, then searched in parallel (searches only read it).
// Ties are ordered by index.
#include <memory>
#include <string>
#include <vector>

#include "core/analysis/map_support.h"

namespace latentlab {

enum class KnnMethod { Auto, Exact, Hnsw };
std::string to_string(KnnMethod method);              // "auto", "exact", "hnsw"
KnnMethod parse_knn_method(const std::string& text);  // throws InputError

struct KnnOptions {
  KnnMethod method = KnnMethod::Auto;
  // Auto: exact search up to this many points, HNSW above. The blocked brute force costs
  // N^2 (D + a few) operations on both cores, the HNSW build N log N distance evaluations on one;
  // measured in docs/performance.md.
  int64_t exact_limit = 30000;
  int64_t hnsw_m = 16;                // links per node
  int64_t hnsw_ef_construction = 64;  // candidate list while building
  int64_t hnsw_ef_search = 32;        // candidate list while searching (at least k + 1)
  uint64_t seed = 0;                  // HNSW level generator
};

// Each row's k nearest points, nearest first.
struct KnnGraph {
  int64_t rows = 0, k = 0;
  std::vector<int32_t> indices;  // [rows * k]
  std::vector<float> distances;  // [rows * k], Euclidean

  const int32_t* row_indices(int64_t i) const { return indices.data() + i * k; }
  const float* row_distances(int64_t i) const { return distances.data() + i * k; }
};

class HnswIndex;

// The points a map was built from, searchable: the graph of the points themselves and the
// neighbours of new points (a map's transform, the nearest-neighbour strip of a large data set).
class KnnIndex {
 public:
  KnnIndex();
  ~KnnIndex();
  KnnIndex(KnnIndex&&) noexcept;
  KnnIndex& operator=(KnnIndex&&) noexcept;

  // Takes the points and, for HNSW, builds the index (progress: points inserted; false cancels
  // with Cancelled). Throws InputError for fewer than 2 points.
  void build(RowMatrix points, const KnnOptions& options = {}, const MapProgress& progress = {});

  KnnMethod method() const { return method_; }  // Exact or Hnsw once built
  int64_t size() const { return points_.rows; }
  int64_t dim() const { return points_.cols; }
  const RowMatrix& points() const { return points_; }

  // Every point's k nearest other points (k capped at size() - 1). Progress: rows done.
  KnnGraph graph(int64_t k, const MapProgress& progress = {}) const;
  // The k nearest points of each query row (queries: rows * dim() floats; k capped at size()).
  KnnGraph query(const float* queries, int64_t rows, int64_t k) const;

 private:
  RowMatrix points_;
  KnnMethod method_ = KnnMethod::Exact;
  KnnOptions options_;
  std::unique_ptr<HnswIndex> hnsw_;
};

// Brute force: the k nearest points of `points` for each query row; with exclude_self, query row
// i is points row i and is left out of its own list. Progress: query rows done.
KnnGraph exact_knn(const RowMatrix& points, const float* queries, int64_t rows, int64_t k,
                   bool exclude_self, const MapProgress& progress = {});

// The fraction of exact neighbours found: |found_i ∩ exact_i| / k averaged over rows.
double knn_recall(const KnnGraph& found, const KnnGraph& exact);

}  // namespace latentlab
