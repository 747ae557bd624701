#pragma once
// Starting layouts for the maps: the spectral embedding of a graph (UMAP's default) and the PCA
// plane of the data (t-SNE's, and UMAP's alternative).
#include <cstdint>
#include <vector>

#include "core/analysis/map_support.h"
#include "core/analysis/umap_graph.h"

namespace latentlab {

// The eigenvectors of the normalised Laplacian I - D^-1/2 W D^-1/2 with the 2nd and 3rd smallest
// eigenvalues (umap-learn's spectral_layout; Belkin and Niyogi 2003), by block Krylov iteration
// with Rayleigh-Ritz on (I + D^-1/2 W D^-1/2) / 2 after projecting out the trivial eigenvector.
// umap-learn asks ARPACK for a converged answer; a start only needs the smooth low-frequency
// directions a fixed number of Krylov steps gives. Disconnected parts share eigenvalue 1 and
// come out as separated groups (umap-learn lays them out one by one instead). 2 floats per
// vertex; empty when the graph is too small for the iteration.
std::vector<float> spectral_layout(const SparseGraph& graph, uint64_t seed);

// The data's coordinates on its first two principal axes (fit_pca), 2 floats per row.
std::vector<float> pca_layout(const RowMatrix& data);

// Seeded uniform positions in [-10, 10] (umap-learn's random start).
std::vector<float> random_layout(int64_t n, uint64_t seed);

// umap-learn's noisy_scale_coords then its rescaling: the largest |coordinate| becomes 10,
// Gaussian noise of 1e-4 is added (seeded), and each axis is mapped onto [0, 10].
void scale_umap_start(std::vector<float>& xy, uint64_t seed);

}  // namespace latentlab
