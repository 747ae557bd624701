#include "core/analysis/attribute_axes.h"

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"

namespace latentlab {
namespace {

constexpr double kParallelCosine = 0.999;  // |cos| above this: the two axes are one
constexpr const char* kPrefix = "attributes:";

torch::Tensor unit_direction(const NamedDirection& axis, int64_t dim) {
  if (!axis.direction.defined() || axis.direction.numel() != dim)
    throw InputError("attribute '" + axis.name + "' must have " + std::to_string(dim) +
                     " values to be an axis of these latents");
  const auto d = axis.direction.to(torch::kCPU, torch::kFloat64).reshape({dim});
  const double norm = d.norm().item<double>();
  if (!std::isfinite(norm) || norm <= 0.0)
    throw InputError("attribute '" + axis.name + "' has no direction (zero, NaN or Inf)");
  return d / norm;
}

std::string known_names(const std::map<std::string, torch::Tensor>& directions) {
  std::string names;
  for (const auto& [name, direction] : directions) names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "none" : names;
}

}  // namespace

Projection attribute_axes(const NamedDirection& x, const std::optional<NamedDirection>& y,
                          const torch::Tensor& latents) {
  if (!latents.defined() || latents.dim() != 2 || latents.size(0) < 2)
    throw InputError("attribute axes: latents must have shape [N, D] with N >= 2");
  const auto z = latents.to(torch::kCPU, torch::kFloat64);
  if (!torch::isfinite(z).all().item<bool>())
    throw InputError("attribute axes: latents contain NaN or Inf");
  const int64_t d = z.size(1);
  Projection p;
  p.mean = z.mean(0);
  const auto centred = z - p.mean;
  const auto u = unit_direction(x, d);
  torch::Tensor v;
  if (y) {
    v = unit_direction(*y, d);
    if (std::fabs(torch::dot(u, v).item<double>()) > kParallelCosine)
      throw InputError("attributes '" + x.name + "' and '" + y->name +
                       "' point the same way: they cannot span a plane");
    p.kind = kPrefix + x.name + "," + y->name;
    p.axis_names = {x.name, y->name};
  } else {
    // The residual's first principal axis is orthogonal to u up to rounding; make it exact.
    const auto residual = centred - torch::outer(torch::matmul(centred, u), u);
    v = fit_pca(residual, 1).components[0];
    v = v - torch::dot(v, u) * u;
    v = v / v.norm().clamp_min(1e-300);
    p.kind = kPrefix + x.name;
    p.axis_names = {x.name, "PC1 \u22a5 " + x.name};
  }
  p.components = torch::stack({u, v});
  p.explained_variance = torch::matmul(centred, p.components.t()).var(0, /*unbiased=*/true);
  const double total = centred.var(0, /*unbiased=*/true).sum().item<double>();
  p.explained_variance_ratio =
      total > 0 ? p.explained_variance / total : torch::zeros_like(p.explained_variance);
  return p;
}

Projection attribute_projection(const std::string& spec,
                                const std::map<std::string, torch::Tensor>& directions,
                                const torch::Tensor& latents) {
  if (spec.rfind(kPrefix, 0) != 0)
    throw InputError("projection '" + spec + "': expected attributes:A,B or attributes:A");
  const auto names = spec.substr(std::string(kPrefix).size());
  const auto comma = names.find(',');
  const auto lookup = [&](const std::string& name) {
    const auto it = directions.find(name);
    if (name.empty() || it == directions.end())
      throw InputError("projection '" + spec + "': no attribute '" + name +
                       "' (known: " + known_names(directions) + ")");
    return NamedDirection{name, it->second};
  };
  if (comma == std::string::npos) return attribute_axes(lookup(names), std::nullopt, latents);
  return attribute_axes(lookup(names.substr(0, comma)), lookup(names.substr(comma + 1)), latents);
}

}  // namespace latentlab
