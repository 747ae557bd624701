#pragma once
// Latent vectors on disk: JSON (an array of D numbers, or an array of such arrays) or NumPy .npy
// (float32 or float64, little endian, C order, shape [D] or [N, D]).
#include <torch/types.h>

#include <string>

namespace latentlab {

// Reads latents of size dim as float32 [N, D] on the CPU. The format is told by the .npy magic
// bytes, otherwise the file is read as JSON. Throws InputError "PATH: what is wrong" for a
// missing or unreadable file, bad JSON, a wrong length, NaN/Inf or values outside float range,
// an unsupported dtype, Fortran order, big-endian data, or an npy file whose size disagrees with
// its header.
torch::Tensor read_latents(const std::string& path, int64_t dim);

// Writes latents [N, D] (or one [D]) atomically: .npy as float32 [N, D], .json as an array of
// arrays with the shortest decimal that reads back to the same float. Throws InputError for
// another extension, shape or NaN/Inf, WriteError when the file cannot be written.
void write_latents(const std::string& path, const torch::Tensor& z);

// The bytes of either format, for tests and writers that keep them in memory.
std::string encode_npy(const torch::Tensor& z);
std::string encode_latents_json(const torch::Tensor& z);

}  // namespace latentlab
