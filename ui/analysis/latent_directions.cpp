#include "ui/analysis/latent_directions.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/projection.h"
#include "core/analysis/sampling.h"
#include "core/common/tensor_values.h"
#include "core/fitting/latent_axes.h"
#include "core/model/model_info.h"

namespace latentlab::ui {

namespace {

// Axes shorter than this (a direction the data never moves along) get coordinate 0.
constexpr double kMinAxisVariance = 1e-12;

// The prior sample a model without a stored mean opens on (see homeLatent).
constexpr uint64_t kHomeSeed = 0;

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0.0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) sum += double(a[i]) * double(b[i]);
  return sum;
}

}  // namespace

std::vector<double> LatentDirections::toAxisCoordinates(const std::vector<float>& z) const {
  std::vector<float> centred(z.size());
  for (size_t i = 0; i < z.size(); ++i)
    centred[i] = z[i] - (i < pcaMean.size() ? pcaMean[i] : 0.0f);
  std::vector<double> c(pcaAxes.size(), 0.0);
  for (size_t k = 0; k < pcaAxes.size(); ++k) {
    // axis = sd * unit, so (z - mean) . unit / sd = (z - mean) . axis / sd^2.
    const double variance = dot(pcaAxes[k], pcaAxes[k]);
    if (variance > kMinAxisVariance) c[k] = dot(centred, pcaAxes[k]) / variance;
  }
  return c;
}

std::vector<float> LatentDirections::fromAxisCoordinates(const std::vector<double>& c) const {
  std::vector<double> z(pcaMean.begin(), pcaMean.end());
  for (size_t k = 0; k < pcaAxes.size() && k < c.size(); ++k)
    for (size_t i = 0; i < z.size(); ++i) z[i] += c[k] * double(pcaAxes[k][i]);
  return std::vector<float>(z.begin(), z.end());
}

std::vector<float> homeLatent(const ModelInfo* info, int dimensions) {
  if (!info || !info->gmm || info->gmm->dim != dimensions) {
    if (dimensions <= 0) return {};
    return tensor_values<float>(latents_from_seed(kHomeSeed, 1, dimensions).to(torch::kFloat32));
  }
  std::vector<float> home(size_t(dimensions), 0.0f);
  const GaussianMixture& g = *info->gmm;
  double total = 0.0;
  for (int64_t k = 0; k < g.components; ++k) total += g.weights[size_t(k)];
  if (!(total > 0.0)) return home;
  for (int64_t k = 0; k < g.components; ++k)
    for (int i = 0; i < dimensions; ++i)
      home[size_t(i)] += float(g.weights[size_t(k)] / total * g.means[size_t(k * dimensions + i)]);
  return home;
}

std::vector<double> sliderRanges(const ModelInfo* info, int dimensions, double least) {
  std::vector<double> ranges(size_t(dimensions), least);
  if (!info || !info->gmm || info->gmm->dim != dimensions) return ranges;
  const GaussianMixture& g = *info->gmm;
  const std::vector<float> mean = homeLatent(info, dimensions);
  double total = 0.0;
  for (int64_t k = 0; k < g.components; ++k) total += g.weights[size_t(k)];
  for (int i = 0; i < dimensions; ++i) {
    // The mixture's variance: sum_k w_k (Sigma_k,ii + (mu_k,i - mu_i)^2).
    double variance = 0.0;
    for (int64_t k = 0; k < g.components; ++k) {
      const double offset = g.means[size_t(k * dimensions + i)] - mean[size_t(i)];
      const double own = g.covariances[size_t((k * dimensions + i) * dimensions + i)];
      variance += g.weights[size_t(k)] / total * (own + offset * offset);
    }
    const double reach = std::abs(mean[size_t(i)]) + 3.0 * std::sqrt(std::max(variance, 0.0));
    if (std::isfinite(reach)) ranges[size_t(i)] = std::max(least, std::ceil(reach * 2.0) / 2.0);
  }
  return ranges;
}

LatentDirections computeLatentDirections(Model& model, const ModelInfo& info) {
  LatentDirections out;
  const AxisLatents axis = axis_latents(model, info);
  const LatentActivity activity = latent_activity(model, axis);
  out.activity = tensor_values<double>(activity.values.to(torch::kFloat64));
  out.activitySource = QString::fromStdString(activity.source);
  if (axis.source == AxisSource::None) return out;
  const Projection pca = fit_pca(axis.latents, /*components=*/0);  // every direction: a full basis
  out.pcaMean = tensor_values<float>(pca.mean.to(torch::kFloat32));
  const auto axes = pca.axes();  // [D, D] float32, rows one standard deviation long
  for (int64_t k = 0; k < axes.size(0); ++k) out.pcaAxes.push_back(tensor_values<float>(axes[k]));
  out.pcaVarianceRatio = tensor_values<double>(pca.explained_variance_ratio);
  out.pcaSource = QString::fromStdString(to_string(axis.source));
  return out;
}

}  // namespace latentlab::ui
