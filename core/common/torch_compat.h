#pragma once
// The few LibTorch APIs this code uses that differ between Debian 12's LibTorch 1.13 (the
// application's) and LibTorch 2 (PyTorch's CUDA wheels, for the core-only build on a GPU
// machine): the variant in the layers' options, the key of torch::optim's per-parameter state.
#include <torch/version.h>

#include <sstream>
#include <string>
#include <type_traits>

#if TORCH_VERSION_MAJOR >= 2
#include <variant>
#else
#include <c10/util/variant.h>
#endif

// LibTorch 2.3 made c10::Allocator::allocate non-const and added copy_data.
#define LATENTLAB_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) ||            \
   (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace latentlab::torch_compat {

#if TORCH_VERSION_MAJOR >= 2
using std::get;
using std::holds_alternative;
#else
using c10::get;
using c10::holds_alternative;
#endif

// The key torch::optim keeps the state of parameter `impl` under: the TensorImpl's address,
// as text in LibTorch 1.13 (c10::guts::to_string), as the pointer itself in LibTorch 2.
template <class StateMap>
typename StateMap::key_type optimizer_state_key(const StateMap&, void* impl) {
  if constexpr (std::is_same_v<typename StateMap::key_type, std::string>) {
    std::ostringstream text;
    text << impl;
    return text.str();
  } else {
    return impl;
  }
}

}  // namespace latentlab::torch_compat
