#include "core/analysis/statistics.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace latentlab {

double percentile(std::vector<double> values, double q) {
  if (values.empty()) throw InputError("percentile of no values");
  if (!(q >= 0.0 && q <= 1.0)) throw InputError("percentile: q must be in [0, 1]");
  std::sort(values.begin(), values.end());
  const double rank = q * double(values.size() - 1);
  const auto lo = size_t(std::floor(rank));
  const auto hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (rank - double(lo)) * (values[hi] - values[lo]);
}

}  // namespace latentlab
