#pragma once
// LATENTLAB_AVX2_CLONES before a hot function: GCC compiles it twice (AVX2 and the baseline) and
// an ifunc picks one when the program loads. Not under ThreadSanitizer: the ifunc's resolver runs
// during relocation, before TSan's runtime exists, and the program dies of SIGSEGV before main.
#if defined(__SANITIZE_THREAD__)
#define LATENTLAB_AVX2_CLONES
#else
#define LATENTLAB_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#endif
