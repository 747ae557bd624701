// percentile against values worked out by hand with NumPy's linear method:
// rank = q (n - 1), interpolated between the neighbouring sorted values.
#include <gtest/gtest.h>

#include "core/analysis/statistics.h"
#include "core/common/error.h"

using namespace latentlab;

TEST(Percentile, InterpolatesBetweenClosestRanksOfSortedValues) {
  const std::vector<double> v{4.0, 1.0, 3.0, 2.0};  // unsorted on purpose
  EXPECT_DOUBLE_EQ(percentile(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(percentile(v, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(percentile(v, 0.5), 2.5);    // rank 1.5
  EXPECT_DOUBLE_EQ(percentile(v, 0.95), 3.85);  // rank 2.85: 3 + 0.85 * (4 - 3)
  // 100 latencies 1..100 ms: p95 at rank 94.05 -> 95.05, median 50.5.
  std::vector<double> ms;
  for (int i = 100; i >= 1; --i) ms.push_back(i);
  EXPECT_DOUBLE_EQ(percentile(ms, 0.95), 95.05);
  EXPECT_DOUBLE_EQ(percentile(ms, 0.5), 50.5);
  EXPECT_DOUBLE_EQ(percentile({7.0}, 0.95), 7.0);
}

TEST(Percentile, RefusesNoValuesAndQOutsideTheUnitInterval) {
  EXPECT_THROW(percentile({}, 0.5), InputError);
  EXPECT_THROW(percentile({1.0}, 1.5), InputError);
  EXPECT_THROW(percentile({1.0}, -0.1), InputError);
  EXPECT_THROW(percentile({1.0}, std::nan("")), InputError);
}
