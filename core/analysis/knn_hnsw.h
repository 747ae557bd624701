#pragma once
// Internal to KnnIndex: the HNSW index of libhnswlib-dev behind a small interface, so that only
// knn_hnsw.cpp includes hnswlib (its header defines non-inline functions: one translation unit).
#include <cstdint>
#include <memory>
#include <vector>

#include "core/analysis/knn_rows.h"
#include "core/analysis/map_support.h"

namespace latentlab {

class HnswIndex {
 public:
  // Inserts the rows of points one by one in index order (deterministic for a seed). Progress:
  // points inserted; false cancels with Cancelled. Searches keep ef_search candidates (or count,
  // when more are asked for).
  HnswIndex(const RowMatrix& points, int64_t m, int64_t ef_construction, int64_t ef_search,
            uint64_t seed, const MapProgress& progress);
  ~HnswIndex();

  // The count nearest indexed points of query (squared distances, any order). Thread-safe.
  std::vector<detail::KnnCandidate> search(const float* query, int64_t count) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace latentlab
