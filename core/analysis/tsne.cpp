#include "core/analysis/tsne.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/analysis/map_init.h"
#include "core/analysis/tsne_affinities.h"
#include "core/analysis/tsne_gradient.h"
#include "core/common/error.h"

namespace latentlab {
namespace {

constexpr int64_t kTsneIndexShare = 400, kTsneGraphShare = 500;  // of initialize()'s progress
// scikit-learn's optimiser constants.
constexpr double kExplorationMomentum = 0.5, kFinalMomentum = 0.8;
constexpr double kGainStep = 0.2, kGainDecay = 0.8, kMinGain = 0.01;
constexpr double kStartScale = 1e-4;  // standard deviation of the start's first axis

// All of a dense P's entries as a graph (a spectral start of the exact method).
SparseGraph dense_graph(const std::vector<double>& p, int64_t n) {
  SparseGraph g;
  g.n = n;
  g.offsets.assign(size_t(n + 1), 0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j)
      if (j != i) {
        g.columns.push_back(int32_t(j));
        g.weights.push_back(float(p[size_t(i * n + j)]));
      }
    g.offsets[size_t(i + 1)] = g.edges();
  }
  return g;
}

}  // namespace

std::string to_string(TsneMethod method) {
  switch (method) {
    case TsneMethod::Exact:
      return "exact";
    case TsneMethod::BarnesHut:
      return "barnes-hut";
    case TsneMethod::Auto:
      break;
  }
  return "auto";
}

TsneMethod parse_tsne_method(const std::string& text) {
  if (text == "auto") return TsneMethod::Auto;
  if (text == "exact") return TsneMethod::Exact;
  if (text == "barnes-hut") return TsneMethod::BarnesHut;
  throw InputError("unknown t-SNE method '" + text + "' (use auto, exact or barnes-hut)");
}

Tsne::Tsne(TsneOptions options) : options_(std::move(options)) {
  options_.knn.seed = options_.seed;
  const auto& o = options_;
  if (!(o.perplexity > 0.0) || o.iterations < 0 || o.exaggeration_iterations < 0 ||
      !(o.early_exaggeration > 0.0) || !(o.learning_rate >= 0.0) || !(o.theta >= 0.0))
    throw InputError(
        "t-SNE needs a positive perplexity and exaggeration, and non-negative iterations, "
        "learning rate and theta");
}

void Tsne::initialize(const torch::Tensor& data, const MapProgress& progress) {
  positions_.clear();
  iteration_ = 0;
  kl_ = std::numeric_limits<double>::quiet_NaN();
  auto points = to_row_matrix(data, "t-SNE", 4);
  const int64_t n = points.rows;
  perplexity_ = std::min(options_.perplexity, double(n - 1) / 3.0);
  learning_rate_ = options_.learning_rate > 0.0
                       ? options_.learning_rate
                       : std::max(double(n) / options_.early_exaggeration / 4.0, 50.0);
  method_ = options_.method;
  if (method_ == TsneMethod::Auto)
    method_ = n <= options_.exact_limit ? TsneMethod::Exact : TsneMethod::BarnesHut;
  index_.build(std::move(points), options_.knn, sub_progress(progress, 0, kTsneIndexShare));
  dense_p_.clear();
  sparse_p_ = SparseGraph{};
  if (method_ == TsneMethod::Exact) {
    dense_p_ = exact_affinities(index_.points(), perplexity_);
  } else {
    const auto k = std::min<int64_t>(n - 1, int64_t(3.0 * perplexity_ + 1.0));
    const auto knn = index_.graph(k, sub_progress(progress, kTsneIndexShare, kTsneGraphShare));
    sparse_p_ = knn_affinities(knn, perplexity_);
  }
  std::vector<float> start;
  if (options_.start == MapStart::Spectral)
    start = spectral_layout(method_ == TsneMethod::Exact ? dense_graph(dense_p_, n) : sparse_p_,
                            options_.seed);
  if (options_.start == MapStart::Random) {
    MapRandom random = MapRandom::stream(options_.seed, 0x75E);
    start.resize(size_t(2 * n));
    for (float& v : start) v = float(random.normal());
  }
  if (start.empty()) start = pca_layout(index_.points());
  // scikit-learn divides by the first axis' standard deviation (ddof 0) and scales by 1e-4.
  double mean = 0.0, square = 0.0;
  for (int64_t i = 0; i < n; ++i) mean += start[size_t(2 * i)];
  mean /= double(n);
  for (int64_t i = 0; i < n; ++i) square += std::pow(start[size_t(2 * i)] - mean, 2.0);
  const double sd = std::sqrt(square / double(n));
  const double scale = kStartScale / (sd > 0.0 ? sd : 1.0);
  positions_.resize(start.size());
  for (size_t c = 0; c < start.size(); ++c) positions_[c] = start[c] * scale;
  update_.assign(positions_.size(), 0.0);
  gains_.assign(positions_.size(), 1.0);
  report_progress(progress, kMapProgressTotal, kMapProgressTotal);
}

void Tsne::restore(const torch::Tensor& data, const torch::Tensor& embedding,
                   const MapProgress& progress) {
  positions_.clear();
  auto points = to_row_matrix(data, "t-SNE", 4);
  const auto xy = to_row_matrix(embedding, "t-SNE layout", 1);
  if (xy.rows != points.rows || xy.cols != 2)
    throw InputError("t-SNE: the layout must have shape [" + std::to_string(points.rows) +
                     ", 2], one row per point");
  perplexity_ = std::min(options_.perplexity, double(points.rows - 1) / 3.0);
  index_.build(std::move(points), options_.knn, progress);
  dense_p_.clear();
  sparse_p_ = SparseGraph{};
  positions_.assign(xy.values.begin(), xy.values.end());
  iteration_ = options_.iterations;
  kl_ = std::numeric_limits<double>::quiet_NaN();
}

double Tsne::gradient(double exaggeration, bool with_kl) {
  if (method_ == TsneMethod::Exact)
    return exact_tsne_gradient(dense_p_, positions_, exaggeration, grad_);
  return barnes_hut_tsne_gradient(sparse_p_, positions_, exaggeration, options_.theta, tree_, grad_,
                                  with_kl);
}

int64_t Tsne::step(int64_t iterations, const KeepGoing& keep_going) {
  if (!initialized()) throw InputError("t-SNE: step() before initialize()");
  int64_t ran = 0;
  for (; ran < iterations && iteration_ < options_.iterations; ++ran, ++iteration_) {
    if (keep_going && !keep_going()) break;
    const bool exploring = iteration_ < options_.exaggeration_iterations;
    if (iteration_ == options_.exaggeration_iterations) {
      // scikit-learn runs the two phases as two optimiser calls, each starting afresh.
      update_.assign(positions_.size(), 0.0);
      gains_.assign(positions_.size(), 1.0);
    }
    // The objective itself only where someone can read it: after the step's last iteration.
    const bool last = ran + 1 == iterations || iteration_ + 1 == options_.iterations;
    const double kl = gradient(exploring ? options_.early_exaggeration : 1.0, last);
    if (last) kl_ = kl;
    const double momentum = exploring ? kExplorationMomentum : kFinalMomentum;
    for (size_t c = 0; c < positions_.size(); ++c) {
      const bool same_sign = update_[c] * grad_[c] >= 0.0;
      gains_[c] = std::max(same_sign ? gains_[c] * kGainDecay : gains_[c] + kGainStep, kMinGain);
      update_[c] = momentum * update_[c] - learning_rate_ * gains_[c] * grad_[c];
      positions_[c] += update_[c];
    }
  }
  return ran;
}

torch::Tensor Tsne::embedding() const { return points_tensor(positions_); }

torch::Tensor Tsne::transform(const torch::Tensor& points) const {
  if (!initialized()) throw InputError("t-SNE: transform() before initialize()");
  const bool single = points.dim() == 1;
  const auto queries = to_row_matrix(single ? points.unsqueeze(0) : points, "t-SNE transform", 1);
  if (queries.cols != index_.dim())
    throw InputError("t-SNE transform: points must have " + std::to_string(index_.dim()) +
                     " values, got " + std::to_string(queries.cols));
  const int64_t m = queries.rows;
  const auto knn = index_.query(queries.values.data(), m, int64_t(3.0 * perplexity_ + 1.0));
  std::vector<float> xy(size_t(2 * m)), d2(size_t(knn.k));
  std::vector<double> p(size_t(knn.k));
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t c = 0; c < knn.k; ++c) d2[size_t(c)] = std::pow(knn.row_distances(i)[c], 2.0f);
    perplexity_row(d2.data(), knn.k, -1, std::min(perplexity_, double(knn.k) / 3.0), p.data());
    double x = 0.0, y = 0.0;
    for (int64_t c = 0; c < knn.k; ++c) {
      const int32_t j = knn.row_indices(i)[c];
      x += p[size_t(c)] * positions_[size_t(2 * j)];
      y += p[size_t(c)] * positions_[size_t(2 * j + 1)];
    }
    xy[size_t(2 * i)] = float(x);
    xy[size_t(2 * i + 1)] = float(y);
  }
  const auto result = points_tensor(xy);
  return single ? result.squeeze(0) : result;
}

}  // namespace latentlab
