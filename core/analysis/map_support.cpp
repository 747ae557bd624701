#include "core/analysis/map_support.h"

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"

namespace latentlab {

std::string to_string(MapStart start) {
  switch (start) {
    case MapStart::Pca:
      return "pca";
    case MapStart::Random:
      return "random";
    case MapStart::Spectral:
      break;
  }
  return "spectral";
}

MapStart parse_map_start(const std::string& text) {
  if (text == "spectral") return MapStart::Spectral;
  if (text == "pca") return MapStart::Pca;
  if (text == "random") return MapStart::Random;
  throw InputError("unknown start layout '" + text + "' (use spectral, pca or random)");
}

void report_progress(const MapProgress& progress, int64_t done, int64_t total) {
  if (progress && !progress(done, total)) throw Cancelled();
}

RowMatrix to_row_matrix(const torch::Tensor& data, const std::string& what, int64_t min_rows) {
  if (!data.defined() || data.dim() != 2 || data.size(1) == 0)
    throw InputError(what + ": the data must have shape [N, D] with D > 0");
  if (data.size(0) < min_rows)
    throw InputError(what + " needs at least " + std::to_string(min_rows) + " points, got " +
                     std::to_string(data.size(0)));
  const auto x = data.to(torch::kCPU, torch::kFloat32).contiguous();
  if (!torch::isfinite(x).all().item<bool>()) throw InputError(what + ": the data has NaN or Inf");
  RowMatrix m;
  m.rows = x.size(0);
  m.cols = x.size(1);
  m.values.assign(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
  return m;
}

double squared_distance(const float* a, const float* b, int64_t d) {
  double sum = 0.0;
  for (int64_t c = 0; c < d; ++c) {
    const double t = double(a[c]) - double(b[c]);
    sum += t * t;
  }
  return sum;
}

MapRandom MapRandom::stream(uint64_t seed, uint64_t stream) {
  // Two rounds of the generator's own mixing separate neighbouring (seed, stream) pairs.
  MapRandom mixer(seed ^ (stream * 0xD1B54A32D192ED03ull));
  mixer.next();
  return MapRandom(mixer.next());
}

uint64_t MapRandom::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double MapRandom::uniform() { return double(next() >> 11) * 0x1.0p-53; }

double MapRandom::normal() {
  // 1 - uniform() is in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  constexpr double kTwoPi = 6.283185307179586;
  return radius * std::cos(kTwoPi * uniform());
}

uint64_t MapRandom::below(uint64_t n) {
  // The modulo bias is below n / 2^64: nothing for sampling vertices.
  return next() % n;
}

torch::Tensor points_tensor(const std::vector<float>& xy) {
  return torch::from_blob(const_cast<float*>(xy.data()), {int64_t(xy.size() / 2), 2},
                          torch::kFloat32)
      .clone();
}

torch::Tensor points_tensor(const std::vector<double>& xy) {
  return torch::from_blob(const_cast<double*>(xy.data()), {int64_t(xy.size() / 2), 2},
                          torch::kFloat64)
      .to(torch::kFloat32);
}

}  // namespace latentlab
