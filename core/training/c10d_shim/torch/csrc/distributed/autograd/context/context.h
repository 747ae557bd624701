#pragma once
// Stand-in for a header Debian's libtorch-dev 1.13 leaves out. c10d's reducer.hpp includes it for
// two names only: DistAutogradContext::GradCallback (checked equal to the Reducer's own callback
// type by a static_assert) and ContextPtr, a shared_ptr the Reducer stores beside a raw pointer
// of the same type (the layout of both is independent of the class's contents). The Reducer's
// code lives in libtorch_cpu, built against the real header; we never use the class itself.
// core/training/CMakeLists.txt puts this folder on the include path only when LibTorch lacks the
// real header.
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>

namespace torch::distributed::autograd {

class DistAutogradContext {
 public:
  using GradCallback = std::function<bool(at::Tensor&)>;
};
using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace torch::distributed::autograd
