#pragma once
// UMAP's fuzzy simplicial set (McInnes, Healy and Melville 2018, section 3; umap-learn's
// smooth_knn_dist, compute_membership_strengths and fuzzy_simplicial_set).
#include <cstdint>
#include <vector>

#include "core/analysis/knn.h"

namespace latentlab {

// Per row: rho, the distance to the nearest neighbour (local connectivity), and sigma, found by
// binary search so that sum_j exp(-(d_j - rho) / sigma) = log2(n_neighbours) * bandwidth.
struct SmoothKnn {
  std::vector<float> sigmas, rhos;
};

// umap-learn's smooth_knn_dist on rows of distances [rows, cols] (ascending): column 0 is left
// out of the sum, as umap-learn does (in a fit it holds the point itself, at distance 0).
SmoothKnn smooth_knn_distances(const float* distances, int64_t rows, int64_t cols,
                               double n_neighbours, double local_connectivity,
                               double bandwidth = 1.0);

// exp(-(d - rho) / sigma), or 1 within rho (or for sigma 0).
float membership_strength(float distance, float rho, float sigma);

// A symmetric sparse graph, rows sorted by column.
struct SparseGraph {
  int64_t n = 0;
  std::vector<int64_t> offsets;  // n + 1
  std::vector<int32_t> columns;
  std::vector<float> weights;

  int64_t edges() const { return int64_t(columns.size()); }
};

// How symmetric_graph combines w_ij and w_ji.
enum class Symmetrise {
  FuzzyUnion,  // w_ij + w_ji - w_ij w_ji (UMAP)
  Sum,         // w_ij + w_ji (t-SNE's P + P^T)
};

// The symmetric graph of directed weights along a kNN graph's edges (weights: rows * k, one per
// edge; zero weights and self loops are left out).
SparseGraph symmetric_graph(const KnnGraph& knn, const std::vector<float>& weights,
                            Symmetrise rule);

// The fuzzy simplicial set of a kNN graph (each point's k nearest others; umap-learn's
// n_neighbors is k + 1, the point itself included): the directed memberships w_ij combined by
// the fuzzy union w_ij + w_ji - w_ij w_ji.
SparseGraph fuzzy_simplicial_set(const KnnGraph& knn, double local_connectivity = 1.0);

}  // namespace latentlab
