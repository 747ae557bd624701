#pragma once
// A tensor's values, copied to the CPU in row-major order, as a std::vector of T (converted).
#include <torch/types.h>

#include <vector>

namespace latentlab {

template <typename T>
std::vector<T> tensor_values(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kCPU, c10::CppTypeToScalarType<T>::value).contiguous();
  return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

}  // namespace latentlab
