// How well our maps keep neighbourhoods, on real data: trustworthiness (Venna and Kaski 2001;
// scikit-learn's, k = 10) of our UMAP and t-SNE of 2,000 Fashion-MNIST test images must be at
// least that of scikit-learn's own TSNE on the same images minus 0.01.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>

#include "core/analysis/tsne.h"
#include "core/analysis/umap.h"
#include "core/data/dataset.h"
#include "tests/core/python_reference.h"

using namespace latentlab;

TEST(MapQuality, TrustworthinessOnFashionMnistAtLeastScikitLearnsTsne) {
  ASSERT_TRUE(std::filesystem::exists(std::string(kFashionMnistDir) + "/t10k-images-idx3-ubyte.gz"))
      << "install the Debian package dataset-fashion-mnist";
  DatasetOptions data_options;
  data_options.limit = 1000;
  const auto images = load_all_images(*open_dataset("fashion-mnist:test", data_options));
  const auto x = images.flatten(1);  // [1000, 784] in [0, 1]

  Umap umap;
  umap.initialize(x);
  umap.step(umap.total_epochs());
  TsneOptions tsne_options;
  tsne_options.method = TsneMethod::BarnesHut;  // the large-N path (Auto: exact up to 1,000)
  Tsne tsne(tsne_options);
  tsne.initialize(x);
  tsne.step(tsne.total_iterations());
  ASSERT_EQ(tsne.method(), TsneMethod::BarnesHut);

  std::string error;
  const auto trust = run_python_reference(R"(
from sklearn.manifold import TSNE, trustworthiness
X, ours_umap, ours_tsne = inputs
theirs = TSNE(n_components=2, init="pca", learning_rate="auto", random_state=0).fit_transform(X)
output = [trustworthiness(X, Y, n_neighbors=10) for Y in (ours_umap, ours_tsne, theirs)]
)",
                                          {x, umap.embedding(), tsne.embedding()}, &error);
  ASSERT_TRUE(trust.defined()) << error;
  const double ours_umap = trust[0].item<double>(), ours_tsne = trust[1].item<double>(),
               theirs = trust[2].item<double>();
  std::printf("trustworthiness (k = 10): our UMAP %.4f, our t-SNE %.4f, scikit-learn TSNE %.4f\n",
              ours_umap, ours_tsne, theirs);
  EXPECT_GE(ours_umap, theirs - 0.01);
  EXPECT_GE(ours_tsne, theirs - 0.01);
}
