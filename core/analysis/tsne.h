#pragma once
// t-SNE (van der Maaten and Hinton 2008; Barnes-Hut: van der Maaten 2014), following
// scikit-learn's TSNE: perplexity calibration by binary search on beta, symmetric P, early
// exaggeration (12 for 250 iterations, momentum 0.5), then momentum 0.8, gains (+0.2 / x0.8,
// at least 0.01), learning rate max(N / 12 / 4, 50), PCA start scaled to a standard deviation of
// 1e-4. The exact O(N^2) gradient for small N (and as the reference), Barnes-Hut above.
//
// Step-wise, cancellable, deterministic and single-driver like Umap (see umap.h):
//   Tsne tsne(options);
//   tsne.initialize(latents);
//   while (!tsne.done()) { tsne.step(10); show(tsne.embedding()); }
//   auto xy = tsne.transform(current_latent);
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/knn.h"
#include "core/analysis/quadtree.h"
#include "core/analysis/umap_graph.h"

namespace latentlab {

enum class TsneMethod { Auto, Exact, BarnesHut };
std::string to_string(TsneMethod method);               // "auto", "exact", "barnes-hut"
TsneMethod parse_tsne_method(const std::string& text);  // throws InputError

struct TsneOptions {
  double perplexity = 30.0;   // capped at (N - 1) / 3
  int64_t iterations = 1000;  // all of them, the exaggerated ones included
  double early_exaggeration = 12.0;
  int64_t exaggeration_iterations = 250;
  double learning_rate = 0.0;  // 0: max(N / early_exaggeration / 4, 50)
  double theta = 0.5;          // Barnes-Hut accuracy: 0 exact, larger is faster
  TsneMethod method = TsneMethod::Auto;
  int64_t exact_limit = 1000;      // Auto: the exact gradient up to this many points
  MapStart start = MapStart::Pca;  // Spectral: of P's graph; Random: 1e-4 N(0, 1)
  uint64_t seed = 0;
  KnnOptions knn;  // how neighbours are found (its seed is replaced by `seed`)
};

class Tsne {
 public:
  explicit Tsne(TsneOptions options = {});

  // Affinities and the starting layout. data [N, D], N >= 4. progress: (done, 1000). Throws
  // InputError for bad data or options, Cancelled when progress returns false.
  void initialize(const torch::Tensor& data, const MapProgress& progress = {});
  // Adopts a finished layout [N, 2] for data (builds the neighbour index for transform()).
  void restore(const torch::Tensor& data, const torch::Tensor& embedding,
               const MapProgress& progress = {});

  // Runs up to `iterations` more gradient steps, asking keep_going before each; returns how
  // many ran.
  int64_t step(int64_t iterations, const KeepGoing& keep_going = {});

  bool initialized() const { return !positions_.empty(); }
  bool done() const { return initialized() && iteration_ >= options_.iterations; }
  int64_t iteration() const { return iteration_; }
  int64_t total_iterations() const { return options_.iterations; }
  int64_t size() const { return int64_t(positions_.size() / 2); }
  TsneMethod method() const { return method_; }      // Exact or BarnesHut once initialised
  double perplexity() const { return perplexity_; }  // as used (capped)
  double learning_rate() const { return learning_rate_; }
  // KL(P || Q) at the last iteration of the last step() call (with the exaggerated P during
  // exaggeration, as scikit-learn reports it); NaN before the first step.
  double kl_divergence() const { return kl_; }
  const TsneOptions& options() const { return options_; }
  const KnnIndex& index() const { return index_; }

  // [N, 2] float32 (a copy), or 2 doubles per point.
  torch::Tensor embedding() const;
  const std::vector<double>& positions() const { return positions_; }

  // New points [M, D] (or [D]) placed by neighbour interpolation: the mean of their 3 perplexity
  // nearest points' positions weighted by the calibrated p_j|new. [M, 2] (or [2]).
  torch::Tensor transform(const torch::Tensor& points) const;

 private:
  double gradient(double exaggeration, bool with_kl);

  TsneOptions options_;
  KnnIndex index_;
  TsneMethod method_ = TsneMethod::Auto;
  double perplexity_ = 0.0, learning_rate_ = 0.0, kl_ = 0.0;
  std::vector<double> dense_p_;  // exact method: N * N
  SparseGraph sparse_p_;         // Barnes-Hut
  QuadTree tree_;
  std::vector<double> positions_, update_, gains_, grad_;
  int64_t iteration_ = 0;
};

}  // namespace latentlab
