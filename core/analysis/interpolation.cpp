#include "core/analysis/interpolation.h"

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"

namespace latentlab {
namespace {

void check_pair(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.dim() != 1 || b.dim() != 1 || a.size(0) != b.size(0) || a.size(0) < 1)
    throw InputError("interpolation needs two vectors of the same size [D], got " +
                     c10::str(a.sizes()) + " and " + c10::str(b.sizes()));
}

void check_t(double t) {
  if (!std::isfinite(t)) throw InputError("interpolation parameter t must be finite");
}

// A unit vector orthogonal to the unit vector u (D >= 2): the standard basis vector with the
// smallest |u_k| (the first one on ties), with its component along u removed.
torch::Tensor perpendicular(const torch::Tensor& u) {
  const int64_t k = u.abs().argmin().item<int64_t>();
  auto e = torch::zeros_like(u);
  e[k] = 1.0;
  auto p = e - u * u[k];
  return p / p.norm();
}

}  // namespace

InterpolationMethod parse_interpolation_method(const std::string& text) {
  if (text == "lerp" || text == "linear") return InterpolationMethod::Linear;
  if (text == "slerp" || text == "spherical") return InterpolationMethod::Spherical;
  throw InputError("unknown interpolation method '" + text + "' (expected lerp or slerp)");
}

std::string to_string(InterpolationMethod method) {
  return method == InterpolationMethod::Linear ? "lerp" : "slerp";
}

torch::Tensor lerp(const torch::Tensor& a, const torch::Tensor& b, double t) {
  check_pair(a, b);
  check_t(t);
  if (t == 0.0) return a.clone();
  if (t == 1.0) return b.to(a.dtype()).clone();
  const auto a64 = a.to(torch::kFloat64), b64 = b.to(torch::kFloat64);
  return (a64 + (b64 - a64) * t).to(a.dtype());
}

torch::Tensor slerp(const torch::Tensor& a, const torch::Tensor& b, double t) {
  check_pair(a, b);
  check_t(t);
  if (t == 0.0) return a.clone();
  if (t == 1.0) return b.to(a.dtype()).clone();
  const auto a64 = a.to(torch::kFloat64), b64 = b.to(torch::kFloat64);
  const double na = a64.norm().item<double>(), nb = b64.norm().item<double>();
  if (na == 0.0 || nb == 0.0 || a.size(0) == 1) return lerp(a, b, t);
  const auto ua = a64 / na, ub = b64 / nb;
  const double cos_omega = std::clamp(ua.dot(ub).item<double>(), -1.0, 1.0);
  const double omega = std::acos(cos_omega);
  torch::Tensor direction;
  if (omega < kParallelAngle) {
    direction = ua + (ub - ua) * t;
  } else if (omega > M_PI - kParallelAngle) {
    direction = ua * std::cos(M_PI * t) + perpendicular(ua) * std::sin(M_PI * t);
  } else {
    const double s = std::sin(omega);
    direction = ua * (std::sin((1.0 - t) * omega) / s) + ub * (std::sin(t * omega) / s);
  }
  // Renormalise so the norm is exactly the interpolated one up to float64 rounding.
  direction = direction / direction.norm();
  return (direction * ((1.0 - t) * na + t * nb)).to(a.dtype());
}

torch::Tensor interpolate_path(const std::vector<torch::Tensor>& keyframes, int64_t steps,
                               InterpolationMethod method) {
  if (keyframes.size() < 2) throw InputError("an interpolation path needs at least two keyframes");
  if (steps < 2) throw InputError("an interpolation needs at least 2 steps (both ends)");
  for (size_t k = 1; k < keyframes.size(); ++k) check_pair(keyframes[k - 1], keyframes[k]);
  c10::InferenceMode off(false);
  const auto dtype = keyframes.front().dtype();
  std::vector<torch::Tensor> frames;
  frames.reserve(size_t((keyframes.size() - 1) * size_t(steps - 1) + 1));
  frames.push_back(keyframes.front().to(torch::kCPU).clone());
  for (size_t k = 1; k < keyframes.size(); ++k) {
    const auto a = keyframes[k - 1].to(torch::kCPU, dtype);
    const auto b = keyframes[k].to(torch::kCPU, dtype);
    for (int64_t j = 1; j < steps; ++j) {
      // j == steps - 1 gives t == 1 exactly, so the keyframe itself.
      const double t = double(j) / double(steps - 1);
      frames.push_back(method == InterpolationMethod::Linear ? lerp(a, b, t) : slerp(a, b, t));
    }
  }
  return torch::stack(frames);
}

}  // namespace latentlab
