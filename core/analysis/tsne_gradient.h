#pragma once
// The t-SNE objective KL(P || Q) and its gradient (van der Maaten and Hinton 2008), with
// q_ij = (1 + |y_i - y_j|^2)^-1 / Z and dC/dy_i = 4 sum_j (p_ij - q_ij) (1 + |y_i - y_j|^2)^-1
// (y_i - y_j). Embeddings hold 2 doubles per point; P is multiplied by `exaggeration`.
#include <cstdint>
#include <vector>

#include "core/analysis/quadtree.h"
#include "core/analysis/umap_graph.h"

namespace latentlab {

// Exact, O(N^2): P dense (N * N, as exact_affinities). Writes grad (2 N) and returns the KL
// divergence the way scikit-learn's _kl_divergence computes it (P and Q floored at the float64
// epsilon), so the two can be compared directly.
double exact_tsne_gradient(const std::vector<double>& p, const std::vector<double>& y,
                           double exaggeration, std::vector<double>& grad);

// Barnes-Hut (van der Maaten 2014): the attraction exactly over the sparse P, the repulsion and Z
// from a quadtree of the embedding (tree: rebuilt here, kept for its storage). theta 0 is exact.
// Returns the KL divergence estimated with that Z (scikit-learn's Barnes-Hut error).
// with_kl false skips the logarithms (a fifth of the time) and returns NaN.
double barnes_hut_tsne_gradient(const SparseGraph& p, const std::vector<double>& y,
                                double exaggeration, double theta, QuadTree& tree,
                                std::vector<double>& grad, bool with_kl = true);

}  // namespace latentlab
