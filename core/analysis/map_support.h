#pragma once
// Shared pieces of the non-linear latent maps (kNN graph, UMAP, t-SNE): the input matrix, a small
// random generator whose streams do not depend on the thread count, and the progress callback.
//
// Determinism: every parallel loop of the maps writes per-row results only (each row computed
// from data no other row writes in the same pass) and reduces them in row order afterwards, and
// every row that needs random numbers draws from its own stream. The results therefore depend on
// the seed alone, not on how many threads run or how the rows are split among them.
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace latentlab {

// scikit-learn's MACHINE_EPSILON: the floor of t-SNE's probabilities and sums.
inline constexpr double kMachineEpsilon = std::numeric_limits<double>::epsilon();

// The layout a map starts from.
enum class MapStart {
  Spectral,  // the spectral embedding of the map's graph
  Pca,       // the data's first two principal axes
  Random,    // seeded random positions
};
std::string to_string(MapStart start);              // "spectral", "pca", "random"
MapStart parse_map_start(const std::string& text);  // throws InputError

// Called now and then with (work done, total work); returning false stops the job.
using MapProgress = std::function<bool(int64_t, int64_t)>;
// Asked between iterations of a step; returning false ends the step early (no exception).
using KeepGoing = std::function<bool()>;

// Calls progress when set and throws Cancelled when it returns false.
void report_progress(const MapProgress& progress, int64_t done, int64_t total);

// A map reports its progress in parts of kMapProgressTotal; sub_progress reports one step's own
// progress over [from, from + share) of it.
inline constexpr int64_t kMapProgressTotal = 1000;
MapProgress sub_progress(const MapProgress& progress, int64_t from, int64_t share);

// A dense row-major float32 matrix: the data a map is built from.
struct RowMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> values;  // rows * cols

  const float* row(int64_t i) const { return values.data() + i * cols; }
};

// data [N, D] (any floating type, any device) as a RowMatrix. Throws InputError naming `what`
// for another shape, fewer than min_rows rows, no columns, or NaN/Inf values.
RowMatrix to_row_matrix(const torch::Tensor& data, const std::string& what, int64_t min_rows);

// Squared Euclidean distance between two rows of length d, accumulated in double.
double squared_distance(const float* a, const float* b, int64_t d);

// SplitMix64 (Steele, Lea and Flood 2014): tiny state, good statistics, and any seed is a good
// seed, so each row can own a stream seeded from (seed, row).
class MapRandom {
 public:
  explicit MapRandom(uint64_t seed = 0) : state_(seed) {}
  // An independent stream for `stream` (a row, a point) under a user seed.
  static MapRandom stream(uint64_t seed, uint64_t stream);

  uint64_t next();
  double uniform();            // [0, 1)
  double normal();             // standard normal (Box-Muller)
  uint64_t below(uint64_t n);  // [0, n), n > 0

 private:
  uint64_t state_;
};

// Runs fn(begin, end) over [0, n) in chunks of at least `grain` rows on as many threads as
// LibTorch's intra-op setting (LATENTLAB_THREADS) allows; the first exception is rethrown. Plain
// threads, not OpenMP: libgomp's threads spin while they wait, which on a shared CPU costs more
// than these loops (docs/performance.md). Callers keep to the per-row rule above, so the split
// does not matter.
void parallel_rows(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Points [N, 2] as a float32 tensor (a copy).
torch::Tensor points_tensor(const std::vector<float>& xy);
torch::Tensor points_tensor(const std::vector<double>& xy);

}  // namespace latentlab
