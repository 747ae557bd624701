#pragma once
// Paths through latent space: linear and spherical interpolation between keyframes.
#include <torch/types.h>

#include <string>
#include <vector>

namespace latentlab {

enum class InterpolationMethod { Linear, Spherical };

// "lerp"/"linear" or "slerp"/"spherical". Throws InputError for anything else.
InterpolationMethod parse_interpolation_method(const std::string& text);
std::string to_string(InterpolationMethod method);  // "lerp" or "slerp"

// a + t (b - a) for [D] vectors; t = 0 and t = 1 return a and b exactly.
torch::Tensor lerp(const torch::Tensor& a, const torch::Tensor& b, double t);

// Spherical interpolation of [D] vectors: the direction moves along the great circle from
// a/|a| to b/|b| at constant angular speed, the norm goes linearly from |a| to |b| (so equal
// norms are kept). Computed in float64 and returned in a's dtype; t = 0 and t = 1 return a and
// b exactly. Special cases, all finite:
//  - a or b zero, or D = 1: plain lerp;
//  - parallel directions (angle < kParallelAngle): normalised lerp of the directions;
//  - opposite directions (angle > pi - kParallelAngle): the half great circle through a fixed
//    perpendicular direction, the standard basis vector least aligned with a made
//    orthogonal to a (deterministic, so the same inputs always take the same path).
torch::Tensor slerp(const torch::Tensor& a, const torch::Tensor& b, double t);

constexpr double kParallelAngle = 1e-6;  // radians

// Frames along keyframes k0 -> k1 -> ... -> kK-1 (each [D], K >= 2): each segment has `steps`
// frames including both of its ends (steps >= 2) and a keyframe shared by two segments appears
// once, so the result is [(K - 1) * (steps - 1) + 1, D] and holds every keyframe exactly.
torch::Tensor interpolate_path(const std::vector<torch::Tensor>& keyframes, int64_t steps,
                               InterpolationMethod method);

}  // namespace latentlab
