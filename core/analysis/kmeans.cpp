#include "core/analysis/kmeans.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

#include "core/common/error.h"

namespace latentlab {
namespace {

// torch::cdist without the matrix-product shortcut: exact differences, so a latent equal to a
// centre is at distance exactly 0 (how k-means++ tells that the distinct latents ran out).
constexpr int64_t kExactDistances = 2;

// The nearest centre of every latent: argmin over k of |c_k|^2 - 2 x c_k (the squared distance
// less |x|^2, which does not change the order), one GEMM as in scikit-learn's Lloyd step.
torch::Tensor nearest_centres(const torch::Tensor& x, const torch::Tensor& centres) {
  return torch::addmm(centres.square().sum(1).unsqueeze(0), x, centres.t(), /*beta=*/1.0,
                      /*alpha=*/-2.0)
      .argmin(1);
}

// scikit-learn's _relocate_empty_clusters_dense: every empty cluster takes the latent farthest
// from its centre (the farthest first), which leaves its old cluster's sums.
void relocate_empty_clusters(const torch::Tensor& x, const torch::Tensor& labels,
                             const torch::Tensor& centres, torch::Tensor& sums,
                             torch::Tensor& counts) {
  const auto empty = torch::nonzero(counts == 0).flatten().cpu();
  const int64_t n_empty = empty.numel();
  const auto far =
      std::get<1>((x - centres.index_select(0, labels)).square().sum(1).topk(n_empty)).cpu();
  for (int64_t i = 0; i < n_empty; ++i) {
    const int64_t point = far[i].item<int64_t>(), to = empty[i].item<int64_t>();
    const int64_t from = labels[point].item<int64_t>();
    sums[from] -= x[point];
    counts[from] -= 1;
    sums[to] = x[point];
    counts[to] = 1;
  }
}

}  // namespace

torch::Tensor kmeans_plusplus(const torch::Tensor& x, int64_t k, at::Generator& generator) {
  const int64_t n = x.size(0);
  if (k < 1 || n < k)
    throw InputError(std::to_string(n) + " latents are too few for " + std::to_string(k) +
                     " clusters");
  const int64_t trials = 2 + static_cast<int64_t>(std::log(static_cast<double>(k)));
  const auto first = torch::randint(n, {1}, generator, torch::kInt64).to(x.device());
  std::vector<torch::Tensor> chosen{first};
  auto closest = torch::cdist(x.index_select(0, first), x, 2.0, kExactDistances).square_()[0];
  for (int64_t c = 1; c < k; ++c) {
    const auto cumulative = closest.cumsum(0);
    const auto potential = cumulative[-1];
    if (potential.item<double>() <= 0.0)
      throw InputError("only " + std::to_string(c) + " distinct latents: too few for " +
                       std::to_string(k) + " components");
    // Candidates drawn with probability proportional to the squared distance to the nearest
    // centre; `right` never picks a latent at distance 0.
    const auto draws = torch::rand({trials}, generator, torch::kFloat64).to(x.device()) * potential;
    const auto candidates =
        torch::searchsorted(cumulative, draws, /*out_int32=*/false, /*right=*/true)
            .clamp_max_(n - 1);
    const auto to_candidates =
        torch::cdist(x.index_select(0, candidates), x, 2.0, kExactDistances).square_();
    const auto merged = torch::minimum(to_candidates, closest.unsqueeze(0));  // [trials, N]
    const auto best = merged.sum(1).argmin();
    closest = merged[best];
    chosen.push_back(candidates[best].reshape({1}));
  }
  return x.index_select(0, torch::cat(chosen));
}

KMeansResult kmeans(const torch::Tensor& x, int64_t k, at::Generator& generator,
                    const KMeansSettings& settings) {
  torch::NoGradGuard no_grad;
  KMeansResult r;
  r.centres = kmeans_plusplus(x, k, generator);
  const auto cluster_ids = torch::arange(k, r.centres.options().dtype(torch::kInt64)).unsqueeze(1);
  const double tolerance = settings.tolerance * x.var(0, /*unbiased=*/false).mean().item<double>();
  torch::Tensor previous;
  bool strict = false;  // the labels stopped changing: they already belong to the centres
  while (r.iterations < settings.max_iterations) {
    r.labels = nearest_centres(x, r.centres);
    ++r.iterations;
    // Sums per cluster as a product with the one-hot labels [K, N]: no atomics on CUDA, so the
    // same order of additions every run.
    const auto one_hot = r.labels.unsqueeze(0).eq(cluster_ids).to(x.scalar_type());
    auto counts = one_hot.sum(1);
    auto sums = one_hot.mm(x);
    if ((counts == 0).any().item<bool>())
      relocate_empty_clusters(x, r.labels, r.centres, sums, counts);
    // A cluster emptied by relocation keeps its centre (scikit-learn's _average_centers).
    const auto updated =
        torch::where(counts.unsqueeze(1) > 0, sums / counts.clamp_min(1).unsqueeze(1), r.centres);
    const double shift = (updated - r.centres).square().sum().item<double>();
    r.centres = updated;
    if (settings.keep_going && !settings.keep_going()) throw Cancelled();
    if (previous.defined() && torch::equal(r.labels, previous)) {
      strict = true;
      break;
    }
    if (shift <= tolerance) break;
    previous = r.labels;
  }
  if (!strict) r.labels = nearest_centres(x, r.centres);
  return r;
}

}  // namespace latentlab
