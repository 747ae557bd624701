#include "core/analysis/umap_sgd.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/common/error.h"

namespace latentlab {
namespace {

constexpr int kCurvePoints = 300;
constexpr int kCurveIterations = 200;
constexpr float kClip = 4.0f;  // umap-learn clips every gradient component to [-4, 4]

float clip(float v) { return std::clamp(v, -kClip, kClip); }

// Sum of squared residuals of 1 / (1 + a x^(2b)) against y; with jtj/jtr for Gauss-Newton.
double curve_residuals(const std::vector<double>& x, const std::vector<double>& y, double a,
                       double b, std::array<double, 3>* jtj, std::array<double, 2>* jtr) {
  double sse = 0.0;
  if (jtj) *jtj = {0, 0, 0};
  if (jtr) *jtr = {0, 0};
  for (size_t i = 0; i < x.size(); ++i) {
    const double p = x[i] > 0.0 ? std::pow(x[i], 2.0 * b) : 0.0;
    const double f = 1.0 / (1.0 + a * p);
    const double r = f - y[i];
    sse += r * r;
    if (!jtj) continue;
    const double ga = -p * f * f;                                                // df/da
    const double gb = x[i] > 0.0 ? -a * p * 2.0 * std::log(x[i]) * f * f : 0.0;  // df/db
    (*jtj)[0] += ga * ga;
    (*jtj)[1] += ga * gb;
    (*jtj)[2] += gb * gb;
    (*jtr)[0] += ga * r;
    (*jtr)[1] += gb * r;
  }
  return sse;
}

}  // namespace

UmapCurve fit_umap_curve(double spread, double min_dist) {
  if (!(spread > 0.0) || !(min_dist >= 0.0) || !std::isfinite(spread) || !std::isfinite(min_dist))
    throw InputError("UMAP needs spread > 0 and min_dist >= 0");
  std::vector<double> x(kCurvePoints), y(kCurvePoints);
  for (int i = 0; i < kCurvePoints; ++i) {
    x[size_t(i)] = 3.0 * spread * double(i) / double(kCurvePoints - 1);
    y[size_t(i)] = x[size_t(i)] < min_dist ? 1.0 : std::exp(-(x[size_t(i)] - min_dist) / spread);
  }
  double a = 1.0, b = 1.0, lambda = 1e-3;
  std::array<double, 3> jtj;
  std::array<double, 2> jtr;
  double sse = curve_residuals(x, y, a, b, &jtj, &jtr);
  for (int it = 0; it < kCurveIterations; ++it) {
    // Levenberg-Marquardt with Marquardt's diagonal scaling, as MINPACK (scipy's curve_fit).
    const double m00 = jtj[0] * (1.0 + lambda), m11 = jtj[2] * (1.0 + lambda), m01 = jtj[1];
    const double det = m00 * m11 - m01 * m01;
    if (!(std::fabs(det) > 0.0)) break;
    const double da = -(m11 * jtr[0] - m01 * jtr[1]) / det;
    const double db = -(m00 * jtr[1] - m01 * jtr[0]) / det;
    const double trial = curve_residuals(x, y, a + da, b + db, nullptr, nullptr);
    if (std::isfinite(trial) && trial < sse) {
      const bool converged = sse - trial < 1e-15 * std::max(1.0, sse);
      a += da;
      b += db;
      sse = curve_residuals(x, y, a, b, &jtj, &jtr);
      lambda = std::max(lambda / 10.0, 1e-12);
      if (converged) break;
    } else {
      lambda *= 10.0;
      if (lambda > 1e12) break;
    }
  }
  return {a, b};
}

EdgeSchedule make_edge_schedule(const SparseGraph& graph, int64_t epochs, double negative_rate) {
  float max_weight = 0.0f;
  for (float w : graph.weights) max_weight = std::max(max_weight, w);
  const float keep = max_weight / float(std::max<int64_t>(epochs, 1));
  EdgeSchedule s;
  s.heads = graph.n;
  s.offsets.assign(size_t(graph.n + 1), 0);
  for (int64_t i = 0; i < graph.n; ++i) {
    for (int64_t e = graph.offsets[size_t(i)]; e < graph.offsets[size_t(i + 1)]; ++e) {
      const float w = graph.weights[size_t(e)];
      if (!(w >= keep) || w <= 0.0f) continue;
      s.tails.push_back(graph.columns[size_t(e)]);
      s.epochs_per_sample.push_back(max_weight / w);
    }
    s.offsets[size_t(i + 1)] = int64_t(s.tails.size());
  }
  s.epochs_per_negative = s.epochs_per_sample;
  for (float& v : s.epochs_per_negative) v /= float(negative_rate);
  s.next_sample = s.epochs_per_sample;
  s.next_negative = s.epochs_per_negative;
  return s;
}

void umap_epoch(const UmapSgd& sgd, int64_t epoch, EdgeSchedule& edges,
                std::vector<MapRandom>& random, float* heads, const float* tails,
                int64_t tail_count) {
  const float a = float(sgd.curve.a), b = float(sgd.curve.b);
  const float gamma = float(sgd.repulsion), pulls = float(sgd.pulls);
  const float alpha = float(sgd.learning_rate * (1.0 - double(epoch) / double(sgd.epochs)));
  const float now = float(epoch);
  parallel_rows(edges.heads, 256, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      float x = heads[2 * i], y = heads[2 * i + 1];
      MapRandom& rng = random[size_t(i)];
      for (int64_t e = edges.offsets[size_t(i)]; e < edges.offsets[size_t(i + 1)]; ++e) {
        if (edges.next_sample[size_t(e)] > now) continue;
        const int32_t j = edges.tails[size_t(e)];
        float dx = x - tails[2 * j], dy = y - tails[2 * j + 1];
        float d2 = dx * dx + dy * dy;
        if (d2 > 0.0f) {
          const float pb = std::pow(d2, b);
          const float coeff = -2.0f * a * b * pb / d2 / (a * pb + 1.0f);
          x += pulls * clip(coeff * dx) * alpha;
          y += pulls * clip(coeff * dy) * alpha;
        }
        edges.next_sample[size_t(e)] += edges.epochs_per_sample[size_t(e)];
        const float per_negative = edges.epochs_per_negative[size_t(e)];
        const auto negatives = int64_t((now - edges.next_negative[size_t(e)]) / per_negative);
        for (int64_t s = 0; s < negatives; ++s) {
          const auto k = int64_t(rng.below(uint64_t(tail_count)));
          if (sgd.same_points && k == i) continue;
          dx = x - tails[2 * k];
          dy = y - tails[2 * k + 1];
          d2 = dx * dx + dy * dy;
          if (d2 <= 0.0f) continue;  // a distinct point on top of this one: no direction
          const float coeff = 2.0f * gamma * b / ((0.001f + d2) * (a * std::pow(d2, b) + 1.0f));
          x += clip(coeff * dx) * alpha;
          y += clip(coeff * dy) * alpha;
        }
        if (negatives > 0) edges.next_negative[size_t(e)] += float(negatives) * per_negative;
      }
      heads[2 * i] = x;
      heads[2 * i + 1] = y;
    }
  });
}

}  // namespace latentlab
