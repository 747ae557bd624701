#pragma once
// Latents from the prior, reproducible from a seed alone.
#include <torch/types.h>

#include <cstdint>

namespace latentlab {

// `count` standard normal latents [count, dim], float32 on the CPU, drawn from a generator of
// their own seeded with `seed`: the same seed always gives the same latents whatever the global
// RNG state, and they equal PyTorch's
//   torch.randn(count, dim, generator=torch.Generator().manual_seed(seed)).
// truncation > 0 applies the truncation trick by resampling: every value with |z| > truncation
// is drawn again (from the same generator) until it falls inside; after kMaxTruncationRounds
// rounds the few values still outside (only with a tiny truncation) are clamped, so the call
// always ends. truncation 0 means none. Throws InputError for a negative or non-finite
// truncation, count < 1 or dim < 1.
torch::Tensor latents_from_seed(uint64_t seed, int64_t count, int64_t dim, double truncation = 0.0);

constexpr int kMaxTruncationRounds = 100;

}  // namespace latentlab
