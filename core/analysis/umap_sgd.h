#pragma once
// UMAP's layout optimisation (McInnes et al. 2018, section 4; umap-learn's
// optimize_layout_euclidean): stochastic gradient descent on the fuzzy set cross entropy, each
// edge sampled in proportion to its weight ("epochs per sample"), each sample followed by
// negative samples of random vertices, the learning rate falling linearly to zero.
//
// Parallel and deterministic: a vertex is moved only by the thread that owns it, reading the
// other vertices' positions from a copy taken at the start of the epoch, and it draws its
// negative samples from its own random stream. umap-learn instead moves both ends of every edge
// in place from several threads at once (Hogwild), which no seed can make repeatable.
#include <cstdint>
#include <vector>

#include "core/analysis/map_support.h"
#include "core/analysis/umap_graph.h"

namespace latentlab {

// The low-dimensional similarity 1 / (1 + a d^(2b)).
struct UmapCurve {
  double a = 0.0, b = 0.0;
};

// umap-learn's find_ab_params: a least-squares fit (Levenberg-Marquardt from a = b = 1) of the
// curve to 1 for d < min_dist and exp(-(d - min_dist) / spread) beyond, on 300 points of
// [0, 3 spread]. Throws InputError unless 0 <= min_dist and 0 < spread.
UmapCurve fit_umap_curve(double spread, double min_dist);

// The sampled edges, grouped by head vertex, with their schedules in epochs.
struct EdgeSchedule {
  int64_t heads = 0;
  std::vector<int64_t> offsets;  // heads + 1
  std::vector<int32_t> tails;
  std::vector<float> epochs_per_sample, epochs_per_negative, next_sample, next_negative;
};

// Edges of graph (head = row, tail = column) whose weight is at least max weight / epochs; an
// edge of weight w is sampled every max / w epochs and followed by negative_rate negative samples
// (umap-learn's negative_sample_rate) per sample.
EdgeSchedule make_edge_schedule(const SparseGraph& graph, int64_t epochs, double negative_rate);

struct UmapSgd {
  UmapCurve curve;
  double repulsion = 1.0;      // gamma, the weight of negative samples
  double learning_rate = 1.0;  // at epoch 0, falling linearly to 0 at `epochs`
  int64_t epochs = 0;          // of the whole schedule
  // Heads and tails are the same points (a fit): a vertex skips itself as a negative sample.
  bool same_points = true;
  // Pulls applied per positive sample. umap-learn's fit moves both ends of an edge, and its graph
  // holds every edge in both directions, so a vertex is pulled twice per sample of a pair: 2 for
  // a fit (where only the head moves here), 1 for a transform (the data stays put).
  double pulls = 2.0;
};

// Epoch `epoch` of the schedule: moves every head (heads: 2 floats per head, in place), reading
// tails and negative samples from `tails` (2 floats per point, tail_count points; a snapshot in a
// fit, never aliasing heads). random: one stream per head.
void umap_epoch(const UmapSgd& sgd, int64_t epoch, EdgeSchedule& edges,
                std::vector<MapRandom>& random, float* heads, const float* tails,
                int64_t tail_count);

}  // namespace latentlab
