#pragma once
// The CUDA devices LibTorch sees, as a plain value for the device menu (versions for the About
// box: library_versions.h). No LibTorch in this header, so the GUI's widgets may include it.
namespace latentlab {

int cuda_device_count();  // the CUDA GPUs LibTorch sees; 0 when it has no CUDA

}  // namespace latentlab
