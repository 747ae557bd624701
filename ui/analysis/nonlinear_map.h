#pragma once
// The Latent map's non-linear layouts: UMAP or t-SNE (core/analysis/umap.h, tsne.h) of the
// encoded latents behind one small interface, driven step by step by MapProjector's layout job so
// the points move while the layout optimises. A finished layout is cached in a file beside the
// embedding's cache (same model hash and data set) whose name holds the method's parameters, so
// the same map shows at once next time. The finished map places new latents (the current
// latent's marker) by the method's own transform. Tensor side: only ui/analysis sources include
// this.
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/analysis/map_support.h"

namespace latentlab {
class Tsne;
class Umap;
}  // namespace latentlab

namespace latentlab::ui {

// True for the specs NonlinearMap takes ("umap..." and "tsne...").
bool isNonlinearSpec(const std::string& spec);

class NonlinearMap {
 public:
  // spec: "umap:neighbours=K,min_dist=D,iterations=N,seed=S" or
  // "tsne:perplexity=P,iterations=N,seed=S"; a key left out keeps the method's default
  // (iterations 0: UMAP's default epochs). Throws InputError for another spec or a bad value.
  explicit NonlinearMap(const std::string& spec);
  ~NonlinearMap();

  // Neighbours, graph and starting layout of latents [N, D] (progress over that phase).
  void initialize(const torch::Tensor& latents, const MapProgress& progress);
  // Adopts the layout cached at path when the file exists and holds one row per latent (builds
  // the neighbour index for transform()); false otherwise, the map untouched.
  bool restore(const std::string& path, const torch::Tensor& latents, const MapProgress& progress);
  // Writes the finished layout to path atomically.
  void save(const std::string& path) const;

  int64_t step(int64_t steps, const KeepGoing& keep_going);
  bool done() const;
  double fraction() const;                // of the optimisation, 0..1
  std::vector<double> positions() const;  // 2 per point
  std::vector<double> transform(const std::vector<float>& latent) const;  // 2 values

  int64_t dim() const;              // of the latents it was built from
  std::string name() const;         // "UMAP", "t-SNE"
  std::string description() const;  // the parameters and the progress, for the axis title
  std::string cacheSuffix() const;  // appended to the embedding's cache path

 private:
  std::string m_spec;
  std::unique_ptr<Umap> m_umap;
  std::unique_ptr<Tsne> m_tsne;
};

}  // namespace latentlab::ui
