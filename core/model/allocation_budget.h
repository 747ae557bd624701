#pragma once
// A cap on the CPU memory LibTorch may allocate on the calling thread while a guard is alive.
// Building a network from a checkpoint's metadata runs under one, so metadata that lies about
// the architecture (channels [100000, 100000]) is refused instead of taking the machine's
// memory: a real file holds every weight the architecture has, so the build may allocate little
// more than the file's weights. Other threads are not affected.
#include <cstdint>

#include "core/common/error.h"

namespace latentlab {

// Thrown by an allocation that would exceed the budget.
class AllocationRefused : public Error {
 public:
  using Error::Error;
};

class AllocationBudget {
 public:
  explicit AllocationBudget(uint64_t bytes);
  ~AllocationBudget();
  AllocationBudget(const AllocationBudget&) = delete;
  AllocationBudget& operator=(const AllocationBudget&) = delete;

  uint64_t left() const { return left_; }

 private:
  friend class BudgetedAllocator;
  uint64_t left_;
  AllocationBudget* previous_;  // guards nest: the innermost one counts
};

}  // namespace latentlab
