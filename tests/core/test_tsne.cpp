// t-SNE: the exact gradient against finite differences of the KL objective, the affinities, KL
// and gradient against scikit-learn's exact t-SNE, Barnes-Hut against exact, determinism,
// cancellation and transform.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/analysis/tsne.h"
#include "core/analysis/tsne_affinities.h"
#include "core/analysis/tsne_gradient.h"
#include "core/common/error.h"
#include "tests/core/map_test_data.h"
#include "tests/core/python_reference.h"

using namespace latentlab;

namespace {

std::vector<double> random_layout(int64_t n, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  const auto y = torch::randn({n, 2}, generator, torch::kFloat64).contiguous();
  return std::vector<double>(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
}

// All off-diagonal entries of a dense P as a graph, for the Barnes-Hut gradient.
SparseGraph as_graph(const std::vector<double>& p, int64_t n) {
  SparseGraph g;
  g.n = n;
  g.offsets.push_back(0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j)
      if (j != i) {
        g.columns.push_back(int32_t(j));
        g.weights.push_back(float(p[size_t(i * n + j)]));
      }
    g.offsets.push_back(g.edges());
  }
  return g;
}

double relative_error(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0.0, norm = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    norm += b[i] * b[i];
  }
  return std::sqrt(diff / norm);
}

}  // namespace

TEST(Tsne, ExactGradientMatchesFiniteDifferences) {
  torch::manual_seed(0);
  const auto p = exact_affinities(to_row_matrix(torch::randn({30, 5}), "test", 1), 8.0);
  auto y = random_layout(30, 1);
  std::vector<double> grad, unused;
  exact_tsne_gradient(p, y, 1.0, grad);
  const double h = 1e-6;
  for (size_t c = 0; c < y.size(); c += 3) {
    const double keep = y[c];
    y[c] = keep + h;
    const double up = exact_tsne_gradient(p, y, 1.0, unused);
    y[c] = keep - h;
    const double down = exact_tsne_gradient(p, y, 1.0, unused);
    y[c] = keep;
    EXPECT_NEAR(grad[c], (up - down) / (2 * h), 1e-6 + 1e-5 * std::fabs(grad[c])) << c;
  }
}

TEST(Tsne, AffinitiesKlAndGradientMatchScikitLearnExact) {
  torch::manual_seed(1);
  const int64_t n = 40;
  const auto x = torch::randn({n, 6});
  const auto y = torch::randn({n, 2}, torch::kFloat64);
  std::string error;
  const auto reference = run_python_reference(R"(
from scipy.spatial.distance import squareform
from sklearn.manifold._t_sne import _joint_probabilities, _kl_divergence
from sklearn.metrics import pairwise_distances
X, Y = inputs
P = _joint_probabilities(pairwise_distances(X, squared=True), 10.0, 0)
kl, grad = _kl_divergence(Y.ravel(), P, 1, X.shape[0], 2)
output = np.concatenate([[kl], grad, squareform(P).ravel()])
)",
                                              {x, y}, &error);
  ASSERT_TRUE(reference.defined()) << error;
  const auto p = exact_affinities(to_row_matrix(x, "test", 1), 10.0);
  const auto yc = y.contiguous();
  std::vector<double> layout(yc.data_ptr<double>(), yc.data_ptr<double>() + 2 * n), grad;
  const double kl = exact_tsne_gradient(p, layout, 1.0, grad);
  EXPECT_NEAR(kl, reference[0].item<double>(), 1e-6 * kl);
  for (int64_t c = 0; c < 2 * n; ++c)
    EXPECT_NEAR(grad[size_t(c)], reference[1 + c].item<double>(), 1e-6) << c;
  for (int64_t i = 0; i < n * n; i += 7)
    EXPECT_NEAR(p[size_t(i)], reference[1 + 2 * n + i].item<double>(), 1e-6 * p[size_t(i)] + 1e-12)
        << i;
}

TEST(Tsne, BarnesHutApproachesTheExactGradient) {
  torch::manual_seed(2);
  const int64_t n = 300;
  const auto p = exact_affinities(to_row_matrix(torch::randn({n, 4}), "test", 1), 20.0);
  const auto graph = as_graph(p, n);
  auto y = random_layout(n, 3);
  y[2] = y[0];  // two points on top of each other
  y[3] = y[1];
  std::vector<double> exact, approximate;
  const double kl = exact_tsne_gradient(p, y, 4.0, exact);
  QuadTree tree;
  const double kl_bh = barnes_hut_tsne_gradient(graph, y, 4.0, 0.0, tree, approximate);
  // Barnes-Hut sums in single precision.
  EXPECT_LT(relative_error(approximate, exact), 1e-5);
  EXPECT_NEAR(kl_bh, kl, 1e-5 * std::fabs(kl));
  double previous = 0.0;
  for (double theta : {0.1, 0.5}) {
    barnes_hut_tsne_gradient(graph, y, 4.0, theta, tree, approximate);
    const double err = relative_error(approximate, exact);
    std::printf("Barnes-Hut theta %.1f: relative gradient error %.2e\n", theta, err);
    EXPECT_LT(err, theta == 0.1 ? 2e-3 : 5e-2);
    EXPECT_GT(err, previous);
    previous = err;
  }
}

TEST(Tsne, SeparatesBlobsDeterministicallyWithBothMethods) {
  const auto [x, labels] = gaussian_blobs(4, 100, 10, 4.0, 5);
  for (auto method : {TsneMethod::Exact, TsneMethod::BarnesHut}) {
    TsneOptions options;
    options.method = method;
    options.iterations = 400;
    options.perplexity = 20.0;
    options.seed = 3;
    Tsne tsne(options);
    tsne.initialize(x);
    ASSERT_EQ(tsne.method(), method);
    while (tsne.step(60) > 0) {
    }
    const auto xy = tsne.embedding();
    EXPECT_GE(nearest_neighbour_accuracy(xy, labels), 0.98) << to_string(method);
    EXPECT_TRUE(std::isfinite(tsne.kl_divergence()));

    const int threads = torch::get_num_threads();
    torch::set_num_threads(1);
    Tsne again(options);
    again.initialize(x);
    again.step(400);
    torch::set_num_threads(threads);
    EXPECT_TRUE(torch::equal(again.embedding(), xy)) << to_string(method);
  }
}

TEST(Tsne, CancelsStopsAndTransforms) {
  const auto [x, labels] = gaussian_blobs(3, 120, 6, 5.0, 6);
  TsneOptions options;
  options.iterations = 300;
  options.method = TsneMethod::BarnesHut;
  Tsne tsne(options);
  EXPECT_THROW(tsne.initialize(x, [](int64_t, int64_t) { return false; }), Cancelled);
  EXPECT_FALSE(tsne.initialized());
  tsne.initialize(x);
  int asked = 0;
  EXPECT_EQ(tsne.step(100, [&] { return ++asked <= 5; }), 5);
  EXPECT_EQ(tsne.iteration(), 5);
  tsne.step(1000);
  ASSERT_TRUE(tsne.done());
  const auto xy = tsne.embedding();
  const auto placed = tsne.transform(x.slice(0, 0, 360, 30));
  for (int64_t r = 0; r < 12; ++r) {
    const auto nearest = (xy - placed[r]).norm(2, {1}).argmin().item<int64_t>();
    EXPECT_EQ(labels[nearest].item<int64_t>(), labels[r * 30].item<int64_t>()) << r;
  }
  EXPECT_EQ(tsne.transform(x[0]).sizes(), (torch::IntArrayRef{2}));
  Tsne restored(options);
  restored.restore(x, xy);
  // The restored layout is the float32 one embedding() hands out (as a cache stores it).
  EXPECT_TRUE(torch::allclose(restored.transform(x[0]), tsne.transform(x[0]), 1e-5, 1e-5));
  TsneOptions bad;
  bad.perplexity = -1.0;
  EXPECT_THROW(Tsne{bad}, InputError);
  EXPECT_THROW(parse_tsne_method("fft"), InputError);
}
