#pragma once
// Summaries of measured samples (latencies), shared by `latentlab-cli bench` and the benchmarks.
#include <vector>

namespace latentlab {

// The q-quantile (q in [0, 1]) of values by linear interpolation between the closest ranks,
// NumPy's default method: percentile({1, 2, 3, 4}, 0.95) = 3.85. So the median never exceeds the
// p95. Throws InputError for no values or q outside [0, 1].
double percentile(std::vector<double> values, double q);

}  // namespace latentlab
