#include "core/analysis/umap.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/map_init.h"
#include "core/common/error.h"

namespace latentlab {
namespace {

// Shares of initialize()'s progress: neighbour index, neighbour graph, the rest.
constexpr int64_t kUmapIndexShare = 400, kUmapGraphShare = 450;
constexpr uint64_t kTransformStream = uint64_t(1) << 40;  // transform streams after the vertices'

void check_options(const UmapOptions& o) {
  if (o.neighbours < 2) throw InputError("UMAP needs at least 2 neighbours");
  if (o.epochs < 0) throw InputError("UMAP: the number of epochs cannot be negative");
  if (!(o.learning_rate > 0.0) || !(o.negative_rate >= 0.0) || !(o.repulsion >= 0.0) ||
      !(o.local_connectivity >= 0.0))
    throw InputError(
        "UMAP needs a positive learning rate and non-negative repulsion, negative rate and local "
        "connectivity");
  fit_umap_curve(o.spread, o.min_dist);  // validates spread and min_dist
}

}  // namespace

Umap::Umap(UmapOptions options) : options_(std::move(options)) {
  options_.knn.seed = options_.seed;
  check_options(options_);
}

void Umap::configure(int64_t n) {
  total_epochs_ = options_.epochs > 0 ? options_.epochs : (n <= 10000 ? 500 : 200);
  sgd_ = UmapSgd{};
  sgd_.curve = fit_umap_curve(options_.spread, options_.min_dist);
  sgd_.repulsion = options_.repulsion;
  sgd_.learning_rate = options_.learning_rate;
  sgd_.epochs = total_epochs_;
}

void Umap::initialize(const torch::Tensor& data, const MapProgress& progress) {
  positions_.clear();
  epoch_ = total_epochs_ = 0;
  auto points = to_row_matrix(data, "UMAP", 3);
  const int64_t n = points.rows;
  index_.build(std::move(points), options_.knn, sub_progress(progress, 0, kUmapIndexShare));
  const auto knn = index_.graph(std::min(options_.neighbours, n) - 1,
                                sub_progress(progress, kUmapIndexShare, kUmapGraphShare));
  graph_ = fuzzy_simplicial_set(knn, options_.local_connectivity);
  report_progress(progress, kUmapIndexShare + kUmapGraphShare + 50, kMapProgressTotal);

  configure(n);
  schedule_ = make_edge_schedule(graph_, total_epochs_, options_.negative_rate);
  random_.clear();
  random_.reserve(size_t(n));
  for (int64_t i = 0; i < n; ++i) random_.push_back(MapRandom::stream(options_.seed, uint64_t(i)));

  std::vector<float> start;
  if (options_.start == MapStart::Random) start = random_layout(n, options_.seed);
  if (options_.start == MapStart::Spectral) start = spectral_layout(graph_, options_.seed);
  if (start.empty()) start = pca_layout(index_.points());  // asked for, or the graph too small
  scale_umap_start(start, options_.seed);
  report_progress(progress, kMapProgressTotal, kMapProgressTotal);
  positions_ = std::move(start);
}

void Umap::restore(const torch::Tensor& data, const torch::Tensor& embedding,
                   const MapProgress& progress) {
  positions_.clear();
  auto points = to_row_matrix(data, "UMAP", 3);
  const auto xy = to_row_matrix(embedding, "UMAP layout", 1);
  if (xy.rows != points.rows || xy.cols != 2)
    throw InputError("UMAP: the layout must have shape [" + std::to_string(points.rows) +
                     ", 2], one row per point");
  const int64_t n = points.rows;
  index_.build(std::move(points), options_.knn, progress);
  graph_ = SparseGraph{};
  schedule_ = EdgeSchedule{};
  random_.clear();
  configure(n);
  epoch_ = total_epochs_;
  positions_ = xy.values;
}

int64_t Umap::step(int64_t epochs, const KeepGoing& keep_going) {
  if (!initialized()) throw InputError("UMAP: step() before initialize()");
  int64_t ran = 0;
  std::vector<float> snapshot;
  for (; ran < epochs && epoch_ < total_epochs_; ++ran, ++epoch_) {
    if (keep_going && !keep_going()) break;
    snapshot = positions_;
    umap_epoch(sgd_, epoch_, schedule_, random_, positions_.data(), snapshot.data(), size());
  }
  return ran;
}

torch::Tensor Umap::embedding() const { return points_tensor(positions_); }

torch::Tensor Umap::transform(const torch::Tensor& points) const {
  if (!initialized()) throw InputError("UMAP: transform() before initialize()");
  const bool single = points.dim() == 1;
  const auto queries = to_row_matrix(single ? points.unsqueeze(0) : points, "UMAP transform", 1);
  if (queries.cols != index_.dim())
    throw InputError("UMAP transform: points must have " + std::to_string(index_.dim()) +
                     " values, got " + std::to_string(queries.cols));
  const int64_t m = queries.rows, n = size();
  const auto knn = index_.query(queries.values.data(), m, options_.neighbours);
  const auto smooth =
      smooth_knn_distances(knn.distances.data(), m, knn.k, double(options_.neighbours),
                           std::max(0.0, options_.local_connectivity - 1.0));
  // The bipartite graph new point -> data point, and the weighted mean as the start.
  SparseGraph graph;
  graph.n = m;
  graph.offsets.assign(size_t(m + 1), 0);
  std::vector<float> xy(size_t(2 * m), 0.0f);
  for (int64_t i = 0; i < m; ++i) {
    double total = 0.0, x = 0.0, y = 0.0;
    for (int64_t c = 0; c < knn.k; ++c) {
      const int32_t j = knn.row_indices(i)[c];
      const float w = membership_strength(knn.row_distances(i)[c], smooth.rhos[size_t(i)],
                                          smooth.sigmas[size_t(i)]);
      graph.columns.push_back(j);
      graph.weights.push_back(w);
      total += w;
      x += w * positions_[size_t(2 * j)];
      y += w * positions_[size_t(2 * j + 1)];
    }
    graph.offsets[size_t(i + 1)] = graph.edges();
    xy[size_t(2 * i)] = float(total > 0.0 ? x / total : 0.0);
    xy[size_t(2 * i + 1)] = float(total > 0.0 ? y / total : 0.0);
  }
  UmapSgd sgd = sgd_;
  sgd.epochs = (n <= 10000 ? 100 : 30) / 3;
  sgd.learning_rate = options_.learning_rate / 4.0;
  sgd.same_points = false;
  sgd.pulls = 1.0;
  auto schedule = make_edge_schedule(graph, sgd.epochs, options_.negative_rate);
  std::vector<MapRandom> random;
  for (int64_t i = 0; i < m; ++i)
    random.push_back(MapRandom::stream(options_.seed, kTransformStream + uint64_t(i)));
  for (int64_t e = 0; e < sgd.epochs; ++e)
    umap_epoch(sgd, e, schedule, random, xy.data(), positions_.data(), n);
  const auto result = points_tensor(xy);
  return single ? result.squeeze(0) : result;
}

}  // namespace latentlab
