#include "core/analysis/knn_hnsw.h"

#include <hnswlib/hnswlib.h>

namespace latentlab {
namespace {

constexpr int64_t kProgressEvery = 2048;  // insertions between progress calls

}  // namespace

struct HnswIndex::Impl {
  hnswlib::L2Space space;
  hnswlib::HierarchicalNSW<float> index;

  Impl(const RowMatrix& points, int64_t m, int64_t ef_construction, uint64_t seed)
      : space(size_t(points.cols)),
        index(&space, size_t(points.rows), size_t(m), size_t(ef_construction), size_t(seed)) {}
};

HnswIndex::HnswIndex(const RowMatrix& points, int64_t m, int64_t ef_construction, int64_t ef_search,
                     uint64_t seed, const MapProgress& progress)
    : impl_(std::make_unique<Impl>(points, m, ef_construction, seed)) {
  impl_->index.setEf(size_t(ef_search));
  // One thread: hnswlib's parallel insertion is correct but its result depends on the timing of
  // the threads, and the maps promise the same graph for the same seed.
  for (int64_t i = 0; i < points.rows; ++i) {
    impl_->index.addPoint(points.row(i), hnswlib::labeltype(i));
    if ((i + 1) % kProgressEvery == 0 || i + 1 == points.rows)
      report_progress(progress, i + 1, points.rows);
  }
}

HnswIndex::~HnswIndex() = default;

std::vector<detail::KnnCandidate> HnswIndex::search(const float* query, int64_t count) const {
  auto found = impl_->index.searchKnn(query, size_t(count));
  std::vector<detail::KnnCandidate> result;
  result.reserve(found.size());
  for (; !found.empty(); found.pop())
    result.emplace_back(found.top().first, int32_t(found.top().second));
  return result;
}

}  // namespace latentlab
