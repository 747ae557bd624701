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

// glibc's malloc hands freed memory back to the OS eagerly (trim threshold 128 KiB, large blocks
// mmapped), so every batch of large tensors page-faults its memory in again. Keeping freed memory
// (trim threshold 2 GiB) and serving blocks up to 32 MiB from the heap made encoding 256 faces
// 1.65x faster and encoding Fashion-MNIST for the scatter 1.7x (CPU time; docs/performance.md,
// "Allocator"); the price is that the process keeps its peak heap. Call once at start-up, before
// threads. Does nothing off glibc, or when GLIBC_TUNABLES sets a glibc.malloc tunable (the user's
// choice wins).
void tune_allocator();

}  // namespace latentlab
