#pragma once
// No LibTorch here: the `latentlab` launcher calls it before it loads LibTorch.
#include <cstdlib>
#include <cstring>
#include <limits>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace latentlab {

// glibc's malloc hands freed memory back to the OS eagerly (trim threshold 128 KiB, large blocks
// mmapped), so every batch of large tensors page-faults its memory in again. Keeping freed memory
// (trim threshold 2 GiB) and serving blocks up to 32 MiB from the heap made encoding 256 faces
// 1.65x faster and encoding Fashion-MNIST for the scatter 1.7x (CPU time; docs/performance.md,
// "Allocator"); the price is that the process keeps its peak heap. Call once at start-up, before
// threads. Does nothing off glibc, or when GLIBC_TUNABLES sets a glibc.malloc tunable (the user's
// choice wins).
inline void tune_allocator() {
#if defined(__GLIBC__)
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.")) return;
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value on 64-bit
#endif
}

}  // namespace latentlab
