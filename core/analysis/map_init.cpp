#include "core/analysis/map_init.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/projection.h"

namespace latentlab {
namespace {

constexpr int64_t kBlock = 4;             // Krylov block width: 2 wanted + 2 to spare
constexpr int64_t kKrylovSteps = 24;      // blocks after the first
constexpr uint64_t kInitStream = 0x5EC7;  // random stream of the start vectors and the noise

// (I + D^-1/2 W D^-1/2) x / 2 for x [n, p] float64.
torch::Tensor apply_operator(const SparseGraph& g, const std::vector<double>& inv_sqrt_degree,
                             const torch::Tensor& x) {
  const int64_t p = x.size(1);
  auto y = torch::empty_like(x);
  const double* in = x.data_ptr<double>();
  double* out = y.data_ptr<double>();
  parallel_rows(g.n, 512, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double* row = out + i * p;
      for (int64_t c = 0; c < p; ++c) row[c] = 0.0;
      for (int64_t e = g.offsets[size_t(i)]; e < g.offsets[size_t(i + 1)]; ++e) {
        const int64_t j = g.columns[size_t(e)];
        const double w = double(g.weights[size_t(e)]) * inv_sqrt_degree[size_t(j)];
        for (int64_t c = 0; c < p; ++c) row[c] += w * in[j * p + c];
      }
      for (int64_t c = 0; c < p; ++c)
        row[c] = 0.5 * (in[i * p + c] + row[c] * inv_sqrt_degree[size_t(i)]);
    }
  });
  return y;
}

}  // namespace

std::vector<float> spectral_layout(const SparseGraph& graph, uint64_t seed) {
  torch::NoGradGuard no_grad;
  const int64_t n = graph.n;
  if (n < 4 * kBlock) return {};
  std::vector<double> inv_sqrt_degree(static_cast<size_t>(n));
  auto trivial = torch::empty({n, 1}, torch::kFloat64);
  double* root_degree = trivial.data_ptr<double>();
  for (int64_t i = 0; i < n; ++i) {
    double degree = 0.0;
    for (int64_t e = graph.offsets[size_t(i)]; e < graph.offsets[size_t(i + 1)]; ++e)
      degree += graph.weights[size_t(e)];
    degree = std::max(degree, 1e-12);
    inv_sqrt_degree[size_t(i)] = 1.0 / std::sqrt(degree);
    root_degree[i] = std::sqrt(degree);
  }
  trivial = trivial / trivial.norm();
  const auto deflate = [&](const torch::Tensor& x) {
    return x - torch::matmul(trivial, torch::matmul(trivial.t(), x));
  };
  auto start = torch::empty({n, kBlock}, torch::kFloat64);
  MapRandom random = MapRandom::stream(seed, kInitStream);
  double* s = start.data_ptr<double>();
  for (int64_t i = 0; i < n * kBlock; ++i) s[i] = random.normal();
  std::vector<torch::Tensor> basis{std::get<0>(torch::linalg_qr(deflate(start)))};
  std::vector<torch::Tensor> images;  // the operator applied to each basis block
  for (int64_t step = 0;; ++step) {
    images.push_back(apply_operator(graph, inv_sqrt_degree, basis.back()));
    if (step == kKrylovSteps || int64_t(basis.size() + 1) * kBlock > n - 1) break;
    const auto q = torch::cat(basis, 1);
    auto next = deflate(images.back());
    const double before = next.norm().item<double>();
    for (int pass = 0; pass < 2; ++pass)  // twice is enough (Giraud et al. 2005)
      next = next - torch::matmul(q, torch::matmul(q.t(), next));
    if (!(next.norm().item<double>() > 1e-10 * before)) break;  // the space is exhausted
    basis.push_back(std::get<0>(torch::linalg_qr(next)));
  }
  const auto q = torch::cat(basis, 1);
  auto t = torch::matmul(q.t(), torch::cat(images, 1));
  t = (t + t.t()) / 2.0;
  const auto [values, vectors] = torch::linalg_eigh(t, "L");  // ascending
  const int64_t m = vectors.size(1);
  const auto top = torch::matmul(q, vectors.index_select(1, torch::tensor({m - 1, m - 2})));
  if (!torch::isfinite(top).all().item<bool>()) return {};
  const auto xy = top.to(torch::kFloat32).contiguous();
  return std::vector<float>(xy.data_ptr<float>(), xy.data_ptr<float>() + xy.numel());
}

std::vector<float> pca_layout(const RowMatrix& data) {
  torch::NoGradGuard no_grad;
  const auto x = torch::from_blob(const_cast<float*>(data.values.data()), {data.rows, data.cols});
  const auto projected = fit_pca(x, 2).project(x);  // [N, min(2, D)] float64
  auto xy = torch::zeros({data.rows, 2}, torch::kFloat32);
  xy.slice(1, 0, projected.size(1)).copy_(projected);
  return std::vector<float>(xy.data_ptr<float>(), xy.data_ptr<float>() + xy.numel());
}

std::vector<float> random_layout(int64_t n, uint64_t seed) {
  MapRandom random = MapRandom::stream(seed, kInitStream + 2);
  std::vector<float> xy(size_t(2 * n));
  for (float& v : xy) v = float(20.0 * random.uniform() - 10.0);
  return xy;
}

void scale_umap_start(std::vector<float>& xy, uint64_t seed) {
  float largest = 0.0f;
  for (float v : xy) largest = std::max(largest, std::fabs(v));
  const float expansion = largest > 0.0f ? 10.0f / largest : 1.0f;
  MapRandom random = MapRandom::stream(seed, kInitStream + 1);
  for (float& v : xy) v = v * expansion + float(1e-4 * random.normal());
  for (int axis = 0; axis < 2; ++axis) {
    float lo = xy[size_t(axis)], hi = lo;
    for (size_t i = size_t(axis); i < xy.size(); i += 2) {
      lo = std::min(lo, xy[i]);
      hi = std::max(hi, xy[i]);
    }
    const float scale = hi > lo ? 10.0f / (hi - lo) : 1.0f;
    for (size_t i = size_t(axis); i < xy.size(); i += 2) xy[i] = (xy[i] - lo) * scale;
  }
}

}  // namespace latentlab
