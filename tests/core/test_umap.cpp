// UMAP: the a, b curve fit against SciPy's curve_fit, the smooth kNN distances and fuzzy union
// against their definitions, determinism (seed, thread count, step sizes), cancellation and
// transform.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/analysis/umap.h"
#include "core/common/error.h"
#include "tests/core/map_test_data.h"
#include "tests/core/python_reference.h"

using namespace latentlab;

TEST(Umap, CurveMatchesScipyCurveFit) {
  const std::vector<std::pair<double, double>> settings{{1.0, 0.1}, {1.0, 0.5}, {2.0, 0.0}};
  torch::Tensor inputs = torch::empty({int64_t(settings.size()), 2}, torch::kFloat64);
  for (size_t i = 0; i < settings.size(); ++i) {
    inputs[int64_t(i)][0] = settings[i].first;
    inputs[int64_t(i)][1] = settings[i].second;
  }
  std::string error;
  const auto reference = run_python_reference(R"(
from scipy.optimize import curve_fit
def curve(x, a, b):
    return 1.0 / (1.0 + a * x ** (2 * b))
output = []
for spread, min_dist in inputs[0]:
    xv = np.linspace(0, spread * 3, 300)
    yv = np.where(xv < min_dist, 1.0, np.exp(-(xv - min_dist) / spread))
    params, _ = curve_fit(curve, xv, yv)
    output.append(params)
)",
                                              {inputs}, &error);
  ASSERT_TRUE(reference.defined()) << error;
  for (size_t i = 0; i < settings.size(); ++i) {
    const auto curve = fit_umap_curve(settings[i].first, settings[i].second);
    EXPECT_NEAR(curve.a, reference[int64_t(i)][0].item<double>(), 1e-4 * curve.a);
    EXPECT_NEAR(curve.b, reference[int64_t(i)][1].item<double>(), 1e-4 * curve.b);
  }
  // umap-learn's well-known values for its defaults.
  const auto defaults = fit_umap_curve(1.0, 0.1);
  EXPECT_NEAR(defaults.a, 1.577, 2e-3);
  EXPECT_NEAR(defaults.b, 0.895, 2e-3);
  EXPECT_THROW(fit_umap_curve(0.0, 0.1), InputError);
}

TEST(Umap, SmoothDistancesHitTheTargetAndTheUnionIsFuzzy) {
  torch::manual_seed(0);
  KnnIndex index;
  index.build(to_row_matrix(torch::randn({200, 3}), "test", 1));
  const auto knn = index.graph(9);  // n_neighbors 10
  std::vector<float> with_self;
  for (int64_t i = 0; i < knn.rows; ++i) {
    with_self.push_back(0.0f);
    with_self.insert(with_self.end(), knn.row_distances(i), knn.row_distances(i) + 9);
  }
  const auto smooth = smooth_knn_distances(with_self.data(), 200, 10, 10.0, 1.0);
  for (int64_t i = 0; i < 200; i += 17) {
    EXPECT_FLOAT_EQ(smooth.rhos[size_t(i)], knn.row_distances(i)[0]);
    double sum = 0.0;
    for (int64_t c = 0; c < 9; ++c)
      sum += std::exp(-std::max(0.0f, knn.row_distances(i)[c] - smooth.rhos[size_t(i)]) /
                      smooth.sigmas[size_t(i)]);
    EXPECT_NEAR(sum, std::log2(10.0), 1e-3);
  }
  const auto graph = fuzzy_simplicial_set(knn);
  const auto weight = [&](int64_t i, int64_t j) {
    for (int64_t e = graph.offsets[size_t(i)]; e < graph.offsets[size_t(i + 1)]; ++e)
      if (graph.columns[size_t(e)] == j) return double(graph.weights[size_t(e)]);
    return 0.0;
  };
  const auto directed = [&](int64_t i, int64_t j) {
    for (int64_t c = 0; c < knn.k; ++c)
      if (knn.row_indices(i)[c] == j)
        return double(membership_strength(knn.row_distances(i)[c], smooth.rhos[size_t(i)],
                                          smooth.sigmas[size_t(i)]));
    return 0.0;
  };
  for (int64_t i = 0; i < 200; i += 7)
    for (int64_t c = 0; c < knn.k; ++c) {
      const int64_t j = knn.row_indices(i)[c];
      const double a = directed(i, j), b = directed(j, i);
      EXPECT_NEAR(weight(i, j), a + b - a * b, 1e-6);
      EXPECT_NEAR(weight(j, i), weight(i, j), 1e-7);
    }
  EXPECT_NEAR(weight(0, knn.row_indices(0)[0]), 1.0, 1e-6);  // the nearest: membership 1
}

TEST(Umap, SeparatesBlobsAndIsDeterministicForASeed) {
  const auto [x, labels] = gaussian_blobs(4, 150, 10, 4.0, 3);
  UmapOptions options;
  options.epochs = 120;
  options.seed = 7;
  Umap umap(options);
  umap.initialize(x);
  EXPECT_EQ(umap.epoch(), 0);
  while (umap.step(25) > 0) {
  }
  ASSERT_TRUE(umap.done());
  const auto xy = umap.embedding();
  ASSERT_EQ(xy.sizes(), (torch::IntArrayRef{600, 2}));
  EXPECT_GE(nearest_neighbour_accuracy(xy, labels), 0.98);

  // Same seed, one thread, one call: the same bits.
  const int threads = torch::get_num_threads();
  torch::set_num_threads(1);
  Umap again(options);
  again.initialize(x);
  EXPECT_EQ(again.step(1000), 120);
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(again.embedding(), xy));

  options.seed = 8;
  Umap other(options);
  other.initialize(x);
  other.step(1000);
  EXPECT_FALSE(torch::equal(other.embedding(), xy));
}

TEST(Umap, StartsFromPcaOrRandomToo) {
  const auto [x, labels] = gaussian_blobs(3, 100, 6, 4.0, 4);
  for (auto start : {MapStart::Pca, MapStart::Random}) {
    UmapOptions options;
    options.start = start;
    options.epochs = 150;
    Umap umap(options);
    umap.initialize(x);
    umap.step(150);
    EXPECT_GE(nearest_neighbour_accuracy(umap.embedding(), labels), 0.97) << to_string(start);
  }
}

TEST(Umap, CancelsAndStopsBetweenEpochs) {
  const auto [x, labels] = gaussian_blobs(2, 100, 5, 3.0, 5);
  Umap umap;
  EXPECT_THROW(umap.initialize(x, [](int64_t, int64_t) { return false; }), Cancelled);
  EXPECT_FALSE(umap.initialized());
  EXPECT_THROW(umap.step(1), InputError);
  umap.initialize(x);
  int asked = 0;
  EXPECT_EQ(umap.step(100, [&] { return ++asked <= 3; }), 3);
  EXPECT_EQ(umap.epoch(), 3);
  EXPECT_TRUE(torch::isfinite(umap.embedding()).all().item<bool>());
}

TEST(Umap, TransformPlacesPointsInTheirCluster) {
  const auto [x, labels] = gaussian_blobs(3, 200, 8, 5.0, 6);
  UmapOptions options;
  options.epochs = 150;
  Umap umap(options);
  umap.initialize(x);
  umap.step(150);
  const auto xy = umap.embedding();
  const auto placed = umap.transform(x.slice(0, 0, 600, 50));  // 12 training points
  ASSERT_EQ(placed.sizes(), (torch::IntArrayRef{12, 2}));
  for (int64_t r = 0; r < 12; ++r) {
    const auto nearest = (xy - placed[r]).norm(2, {1}).argmin().item<int64_t>();
    EXPECT_EQ(labels[nearest].item<int64_t>(), labels[r * 50].item<int64_t>()) << r;
  }
  // One point, deterministic; the same result after restoring the layout.
  const auto one = umap.transform(x[10]);
  EXPECT_EQ(one.sizes(), (torch::IntArrayRef{2}));
  EXPECT_TRUE(torch::equal(one, umap.transform(x[10])));
  Umap restored(options);
  restored.restore(x, xy);
  EXPECT_TRUE(restored.done());
  EXPECT_TRUE(torch::equal(restored.transform(x[10]), one));
  EXPECT_THROW(umap.transform(torch::zeros({3})), InputError);
}
