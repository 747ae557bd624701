#pragma once
// What LibTorch this program runs on, as plain values for About boxes and device menus. No
// LibTorch in this header, so the GUI's widgets may include it.
#include <string>

namespace latentlab {

std::string torch_version();  // LibTorch's version as compiled against, "1.13.1"
int cuda_device_count();      // the CUDA GPUs LibTorch sees; 0 when it has no CUDA

}  // namespace latentlab
