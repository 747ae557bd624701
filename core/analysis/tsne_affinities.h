#pragma once
// t-SNE's input similarities (van der Maaten and Hinton 2008; scikit-learn's
// _binary_search_perplexity, _joint_probabilities and _joint_probabilities_nn).
#include <cstdint>
#include <vector>

#include "core/analysis/knn.h"
#include "core/analysis/umap_graph.h"

namespace latentlab {

// p_j = exp(-beta d2_j) / sum, with beta found by binary search so that the entropy of p is
// log(perplexity) (100 halvings at most, tolerance 1e-5). d2: squared distances; the entry
// `skip` (-1: none) gets p = 0 and is left out. Writes count values to p, returns beta.
double perplexity_row(const float* d2, int64_t count, int64_t skip, double perplexity, double* p);

// The exact joint probabilities: the conditional p_j|i over all other points, P = (P_c + P_c^T)
// normalised to sum 1, floored at the float64 machine epsilon off the diagonal. N * N values,
// row-major, zero diagonal. For small N (the exact method and the tests).
std::vector<double> exact_affinities(const RowMatrix& data, double perplexity);

// The sparse joint probabilities from each point's k nearest neighbours (k = 3 perplexity, as
// scikit-learn's Barnes-Hut): P_c along the kNN edges, P = P_c + P_c^T normalised to sum 1.
SparseGraph knn_affinities(const KnnGraph& knn, double perplexity);

}  // namespace latentlab
