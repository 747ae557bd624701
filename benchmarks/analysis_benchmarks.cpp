// Issue 4's analysis figures: the scatter's data set encoding (cold and cached), GMM and PCA on
// the Fashion-MNIST training latents; issue 15's neighbour graph (UMAP's first step) on them by
// exact search and by HNSW under several settings (time and recall), for KnnOptions' defaults.
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "benchmarks/suite.h"
#include "core/analysis/embedding.h"
#include "core/analysis/gmm.h"
#include "core/analysis/knn.h"
#include "core/analysis/projection.h"

namespace latentlab::bench {
namespace {

constexpr const char* kSpecs[] = {"fashion-mnist:train", "fashion-mnist"};  // 60,000 and 70,000
constexpr int kColdRepetitions = 3;
constexpr int kCachedRepetitions = 10;
constexpr int kPcaRepetitions = 20;
constexpr int64_t kGmmComponents = 10;  // as the bundled fashion-vae's GMM
constexpr int64_t kMapNeighbours = 15;  // UMAP's default graph
// HNSW settings to compare: links per node and the candidate lists of building and searching.
struct HnswSetting {
  int64_t m, ef_construction, ef_search;
};
constexpr HnswSetting kHnswSettings[] = {
    {16, 100, 64}, {16, 64, 64}, {16, 64, 32}, {16, 48, 32}, {12, 48, 32}};

// What the scatter needs for one data set, with the cache in a folder of this run.
struct EmbedJob {
  std::shared_ptr<LoadedModel> loaded;
  EmbeddingKey key;
  EmbeddingCache cache;

  Embedding run() const {
    const auto options = key.data_options;
    const auto spec = key.data_spec;
    return embed_dataset(
        *loaded->model, key,
        [spec, options] { return std::shared_ptr<const Dataset>(open_dataset(spec, options)); }, {},
        cache);
  }
};

// A temporary cache folder, removed at exit.
std::string cache_folder() {
  static const struct Folder {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("latentlab-bench-cache-" + std::to_string(::getpid()));
    Folder() { std::filesystem::create_directories(path); }
    ~Folder() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  } folder;
  return folder.path.string();
}

// UMAP's neighbour graph of the latents, searched as `options` say.
KnnGraph knn_graph(const torch::Tensor& latents, const KnnOptions& options) {
  KnnIndex index;
  index.build(to_row_matrix(latents, "latents", 2), options);
  return index.graph(kMapNeighbours);
}

// Fraction of the exact neighbours that `found` also lists.
double recall(const KnnGraph& found, const KnnGraph& exact) {
  int64_t hits = 0;
  for (int64_t i = 0; i < exact.rows; ++i) {
    const int32_t* want = exact.row_indices(i);
    const int32_t* got = found.row_indices(i);
    for (int64_t a = 0; a < exact.k; ++a) hits += std::count(got, got + found.k, want[a]);
  }
  return double(hits) / double(exact.rows * exact.k);
}

}  // namespace

void register_analysis_benchmarks(const std::string& checkpoint) {
  auto loaded = std::make_shared<LoadedModel>(load_model(checkpoint, "cpu"));
  for (const char* spec : kSpecs) {
    const EmbedJob job{
        loaded, {checkpoint, spec, dataset_options_for(*loaded->model)}, {true, cache_folder()}};
    const auto base = std::string("embed/") + spec;
    per_call(benchmark::RegisterBenchmark((base + "/cold").c_str(),
                                          [job](benchmark::State& state) {
                                            const auto path =
                                                embedding_cache_path(job.key, job.cache);
                                            for (auto _ : state) {
                                              state.PauseTiming();
                                              std::filesystem::remove(path);
                                              state.ResumeTiming();
                                              if (job.run().from_cache)
                                                state.SkipWithError("cache not removed");
                                            }
                                          }),
             kColdRepetitions);
    per_call(benchmark::RegisterBenchmark((base + "/cached").c_str(),
                                          [job](benchmark::State& state) {
                                            job.run();  // makes sure the cache exists (untimed)
                                            for (auto _ : state)
                                              if (!job.run().from_cache)
                                                state.SkipWithError("cache not used");
                                          }),
             kCachedRepetitions);
  }

  // The training latents, encoded once when the first of these runs (from the cache above).
  const EmbedJob train_job{
      loaded, {checkpoint, kSpecs[0], dataset_options_for(*loaded->model)}, {true, cache_folder()}};
  auto latents = std::make_shared<torch::Tensor>();
  auto get_latents = [train_job, latents] {
    if (!latents->defined()) *latents = train_job.run().means;
    return *latents;
  };
  benchmark::RegisterBenchmark(
      "gmm/latents:60000",
      [get_latents](benchmark::State& state) {
        const auto z = get_latents();
        GmmFitOptions options;  // the defaults of `latentlab-cli gmm`, as a user gets them
        options.components = kGmmComponents;
        int64_t fitted = 0;
        for (auto _ : state) fitted = fit_gmm(z, options).fitted_samples;
        state.counters["fitted_samples"] = double(fitted);
      })
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  per_call(benchmark::RegisterBenchmark("pca/latents:60000",
                                        [get_latents](benchmark::State& state) {
                                          const auto z = get_latents();
                                          for (auto _ : state)
                                            benchmark::DoNotOptimize(fit_pca(z).components);
                                        }),
           kPcaRepetitions);
  // Exact search first: its graph is the reference for the recall of each HNSW setting after it.
  auto exact = std::make_shared<KnnGraph>();
  benchmark::RegisterBenchmark("knn/exact/latents:60000",
                               [get_latents, exact](benchmark::State& state) {
                                 KnnOptions options;
                                 options.method = KnnMethod::Exact;
                                 for (auto _ : state) *exact = knn_graph(get_latents(), options);
                               })
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  for (const auto& setting : kHnswSettings)
    benchmark::RegisterBenchmark(
        ("knn/hnsw/m:" + std::to_string(setting.m) +
         "/ef_construction:" + std::to_string(setting.ef_construction) +
         "/ef_search:" + std::to_string(setting.ef_search) + "/latents:60000")
            .c_str(),
        [get_latents, exact, setting](benchmark::State& state) {
          KnnOptions options;
          options.method = KnnMethod::Hnsw;
          options.hnsw_m = setting.m;
          options.hnsw_ef_construction = setting.ef_construction;
          options.hnsw_ef_search = setting.ef_search;
          KnnGraph graph;
          for (auto _ : state) graph = knn_graph(get_latents(), options);
          if (exact->rows == graph.rows) state.counters["recall"] = recall(graph, *exact);
        })
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
}

}  // namespace latentlab::bench
