// AllocationBudget: LibTorch CPU allocations on the guarded thread are charged and refused past
// the budget; other threads and code outside the guard are not limited.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <thread>

#include "core/model/allocation_budget.h"

using namespace latentlab;

TEST(AllocationBudget, RefusesAllocationsPastTheBudgetOnItsThreadOnly) {
  constexpr uint64_t kBudget = 1 << 20;
  {
    AllocationBudget budget(kBudget);
    auto small = torch::empty({1000}, torch::kFloat32);  // 4000 bytes
    EXPECT_LE(budget.left(), kBudget - 4000);
    EXPECT_GT(budget.left(), kBudget - 8192);  // the allocator may round up, not much more
    EXPECT_THROW(torch::empty({1 << 20}, torch::kFloat32), AllocationRefused);  // 4 MiB
    // Another thread has no budget.
    std::thread other([] { EXPECT_NO_THROW(torch::empty({1 << 20}, torch::kFloat32)); });
    other.join();
    {
      AllocationBudget inner(100);  // the innermost guard counts
      EXPECT_THROW(torch::empty({1000}, torch::kFloat32), AllocationRefused);
    }
    EXPECT_NO_THROW(torch::empty({1000}, torch::kFloat32));
  }
  EXPECT_NO_THROW(torch::empty({1 << 20}, torch::kFloat32));  // no guard, no limit
}
