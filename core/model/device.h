#pragma once
#include <torch/types.h>

#include <string>

namespace latentlab {

// "auto" (CUDA when LibTorch has it and a GPU is present, else CPU), "cpu", "cuda" or "cuda:N".
// Throws InputError for an unknown name or CUDA asked for where there is none.
torch::Device resolve_device(const std::string& name);

std::string device_name(torch::Device device);  // "cpu", "cuda:0"

// LibTorch 1.13 starts with hardware_concurrency()/2 intra-op threads (1 on a 2-core machine);
// use every core unless told otherwise (threads <= 0), or LATENTLAB_THREADS when it is set.
void configure_threads(int threads = 0);

}  // namespace latentlab
