#include "core/model/torch_info.h"

#include <torch/cuda.h>

namespace latentlab {

int cuda_device_count() {
  return torch::cuda::is_available() ? int(torch::cuda::device_count()) : 0;
}

}  // namespace latentlab
