#pragma once
// LibTorch's intra-op thread count for one scope (it is per thread: this thread's, restored).
#include <torch/torch.h>

namespace latentlab {

struct ThreadCount {
  int previous = torch::get_num_threads();
  explicit ThreadCount(int n) { torch::set_num_threads(n); }
  ~ThreadCount() { torch::set_num_threads(previous); }
};

}  // namespace latentlab
