#pragma once
// UMAP (McInnes, Healy and Melville 2018), following umap-learn: a kNN graph, its fuzzy
// simplicial set, a spectral (or PCA) start and the SGD layout with negative sampling.
//
// Step-wise for a live view: initialize() does everything up to the starting layout, then each
// step(n) runs n more epochs; positions can be read between steps. Cancellable: initialize()
// throws Cancelled when its progress callback says stop, step() returns early when keep_going
// says so (the layout stays valid). Deterministic for a seed, whatever the number of threads
// (see umap_sgd.h). Not thread-safe: one thread drives an object; copies of the positions are
// what other threads should read.
//
//   Umap umap(options);
//   umap.initialize(latents);                 // [N, D]
//   while (!umap.done()) { umap.step(10); show(umap.embedding()); }
//   auto xy = umap.transform(current_latent);  // [D] -> [2]
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "core/analysis/knn.h"
#include "core/analysis/umap_sgd.h"

namespace latentlab {

struct UmapOptions {
  int64_t neighbours = 15;  // umap-learn's n_neighbors: the point itself and its 14 nearest
  double min_dist = 0.1;    // how tightly points may pack in the map
  double spread = 1.0;      // the scale of the map's distances
  int64_t epochs = 0;       // 0: 500 up to 10,000 points, 200 above (umap-learn)
  double learning_rate = 1.0;
  double repulsion = 1.0;      // weight of the negative samples (gamma)
  double negative_rate = 5.0;  // negative samples per positive sample
  double local_connectivity = 1.0;
  MapStart start = MapStart::Spectral;  // Random: uniform in [-10, 10]
  uint64_t seed = 0;
  KnnOptions knn;  // how neighbours are found (its seed is replaced by `seed`)
};

class Umap {
 public:
  explicit Umap(UmapOptions options = {});

  // Neighbours, fuzzy set, starting layout. data [N, D], N >= 3 (neighbours is capped at N).
  // progress: (done, 1000) over the phases. Throws InputError for bad data or options,
  // Cancelled when progress returns false (the object is then uninitialised).
  void initialize(const torch::Tensor& data, const MapProgress& progress = {});
  // Adopts a finished layout (a cached one) for data: builds the neighbour index for transform()
  // and marks every epoch done. embedding [N, 2].
  void restore(const torch::Tensor& data, const torch::Tensor& embedding,
               const MapProgress& progress = {});

  // Runs up to `epochs` more epochs, asking keep_going before each; returns how many ran.
  int64_t step(int64_t epochs, const KeepGoing& keep_going = {});

  bool initialized() const { return !positions_.empty(); }
  bool done() const { return initialized() && epoch_ >= total_epochs_; }
  int64_t epoch() const { return epoch_; }
  int64_t total_epochs() const { return total_epochs_; }
  int64_t size() const { return int64_t(positions_.size() / 2); }
  const UmapOptions& options() const { return options_; }
  UmapCurve curve() const { return sgd_.curve; }
  const KnnIndex& index() const { return index_; }
  const SparseGraph& graph() const { return graph_; }

  // The layout now: [N, 2] float32 (a copy), or 2 floats per point.
  torch::Tensor embedding() const;
  const std::vector<float>& positions() const { return positions_; }

  // Places new points [M, D] (or one [D]) in the layout as umap-learn's transform does: the
  // membership-weighted mean of their neighbours' positions, then a short optimisation against
  // the fixed layout (a third of 100 epochs up to 10,000 points, of 30 above). [M, 2] (or [2]).
  torch::Tensor transform(const torch::Tensor& points) const;

 private:
  void configure(int64_t n);  // the epochs and the SGD settings for n points

  UmapOptions options_;
  KnnIndex index_;
  SparseGraph graph_;
  EdgeSchedule schedule_;
  UmapSgd sgd_;
  std::vector<MapRandom> random_;  // one stream per vertex
  std::vector<float> positions_;
  int64_t epoch_ = 0, total_epochs_ = 0;
};

}  // namespace latentlab
