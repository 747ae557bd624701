// latentlab_gmm_benchmark LATENTS.npy DIM [K] [full|diag|spherical] [SEED] [DEVICE] [BIC_MAX]
// One GMM fit of the latents (a float32/float64 .npy [N, DIM]) with fit_gmm's defaults otherwise,
// then, when BIC_MAX > 0, a BIC sweep over K = 1..BIC_MAX; prints one JSON line of wall-clock
// seconds, EM iterations and mean log-likelihood. benchmarks/gmm_vs_sklearn.py runs it beside
// scikit-learn. Threads: LATENTLAB_THREADS, as for the applications (default: every core).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "core/analysis/gmm.h"
#include "core/io/latent_io.h"
#include "core/model/device.h"

namespace {

using namespace latentlab;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0]
              << " LATENTS.npy DIM [K] [full|diag|spherical] [SEED] [DEVICE] [BIC_MAX]\n";
    return 2;
  }
  tune_allocator();  // as the applications do
  configure_threads();
  const auto arg = [&](int i, const char* fallback) {
    return std::string(i < argc ? argv[i] : fallback);
  };
  const auto z = read_latents(argv[1], std::stoll(argv[2]));
  GmmFitOptions options;
  options.components = std::stoll(arg(3, "10"));
  options.covariance = parse_covariance_type(arg(4, "full"));
  options.seed = std::stoull(arg(5, "0"));
  options.device = resolve_device(arg(6, "auto"));
  const int64_t bic_max = std::stoll(arg(7, "0"));
  if (options.device->is_cuda()) fit_gmm(z.slice(0, 0, 1000), options);  // CUDA context, kernels

  auto started = Clock::now();
  const auto fit = fit_gmm(z, options);
  const double fit_s = seconds_since(started);
  double bic_s = 0.0;
  if (bic_max > 0) {
    started = Clock::now();
    bic_curve(z, 1, bic_max, options);
    bic_s = seconds_since(started);
  }
  std::printf(
      "{\"n\": %lld, \"dim\": %lld, \"components\": %lld, \"covariance\": \"%s\", "
      "\"device\": \"%s\", \"threads\": %d, \"fit_s\": %.4f, \"iterations\": %d, "
      "\"converged\": %s, \"mean_log_likelihood\": %.6f, \"bic_max\": %lld, \"bic_s\": %.4f}\n",
      static_cast<long long>(z.size(0)), static_cast<long long>(z.size(1)),
      static_cast<long long>(options.components), to_string(options.covariance).c_str(),
      device_name(*options.device).c_str(), at::get_num_threads(), fit_s, fit.iterations,
      fit.converged ? "true" : "false", fit.log_likelihoods.mean().item<double>(),
      static_cast<long long>(bic_max), bic_s);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "latentlab_gmm_benchmark: " << e.what() << "\n";
  return 1;
}
