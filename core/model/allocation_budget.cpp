#include "core/model/allocation_budget.h"

#include <c10/core/CPUAllocator.h>

#include "core/common/torch_compat.h"

namespace latentlab {
namespace {

thread_local AllocationBudget* t_budget = nullptr;

}  // namespace

// Wraps LibTorch's CPU allocator (c10::GetCPUAllocator, which every CPU tensor allocation asks
// for) and charges the calling thread's budget, if it has one, before delegating.
class BudgetedAllocator final : public c10::Allocator {
 public:
  explicit BudgetedAllocator(c10::Allocator* base) : base_(base) {}

#if LATENTLAB_TORCH_AT_LEAST(2, 3)
  c10::DataPtr allocate(size_t n) override { return charged(n); }
  void copy_data(void* to, const void* from, size_t n) const override {
    base_->copy_data(to, from, n);
  }
#else
  c10::DataPtr allocate(size_t n) const override { return charged(n); }
#endif

  c10::DeleterFnPtr raw_deleter() const override { return base_->raw_deleter(); }

  // Installed once, before the first budget is opened; tensors allocated earlier keep their
  // own deleters, so swapping the allocator under them is safe.
  static void install() {
    static BudgetedAllocator* const allocator = [] {
      auto* a = new BudgetedAllocator(c10::GetCPUAllocator());
      c10::SetCPUAllocator(a, /*priority=*/0);
      return a;
    }();
    (void)allocator;
  }

 private:
  c10::DataPtr charged(size_t n) const {
    if (AllocationBudget* budget = t_budget) {
      if (n > budget->left_)
        throw AllocationRefused("an allocation of " + std::to_string(n) + " bytes exceeds the " +
                                std::to_string(budget->left_) + " bytes left in its budget");
      budget->left_ -= n;
    }
    return base_->allocate(n);
  }

  c10::Allocator* base_;
};

AllocationBudget::AllocationBudget(uint64_t bytes) : left_(bytes), previous_(t_budget) {
  BudgetedAllocator::install();
  t_budget = this;
}

AllocationBudget::~AllocationBudget() { t_budget = previous_; }

}  // namespace latentlab
