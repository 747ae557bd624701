#pragma once
// Internal to the kNN code: turning a row's candidate neighbours into its final list.
#include <cstdint>
#include <utility>
#include <vector>

#include "core/analysis/map_support.h"

namespace latentlab::detail {

// (approximate squared distance, point index)
using KnnCandidate = std::pair<float, int32_t>;

// Re-measures the candidates' distances to query exactly, drops `self` (-1: none), orders them by
// (distance, index) and writes the first k (fewer candidates: the rest get index -1, distance
// +inf; callers ask for enough).
void write_nearest(const RowMatrix& points, const float* query, std::vector<KnnCandidate>& cand,
                   int64_t self, int64_t k, int32_t* indices, float* distances);

}  // namespace latentlab::detail
