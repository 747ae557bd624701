// latentlab_gmm_benchmark LATENTS.npy DIM [K] [full|diag|spherical] [SEED] [DEVICE] [BIC_MAX]
//                         [N_INIT]
// One GMM fit of the latents (a float32/float64 .npy [N, DIM]) with fit_gmm's defaults otherwise,
// then, when BIC_MAX > 0, a BIC sweep over K = 1..BIC_MAX; prints one JSON line of wall-clock
// and CPU seconds, EM iterations and mean log-likelihood. benchmarks/gmm_vs_sklearn.py runs it
// beside scikit-learn. Threads: LATENTLAB_THREADS, as for the applications (default: every core).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>

#include "core/analysis/gmm.h"
#include "core/common/allocator_tuning.h"
#include "core/io/latent_io.h"
#include "core/model/device.h"

namespace {

using namespace latentlab;
using Clock = std::chrono::steady_clock;

// Wall-clock and CPU seconds (all threads of the process) of one call: on a loaded machine the
// CPU time is what the work costs, the wall-clock time what the user waited.
template <class F>
std::pair<double, double> timed(F&& f) {
  const auto wall = Clock::now();
  const std::clock_t cpu = std::clock();
  f();
  return {std::chrono::duration<double>(Clock::now() - wall).count(),
          static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC};
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0]
              << " LATENTS.npy DIM [K] [full|diag|spherical] [SEED] [DEVICE] [BIC_MAX] [N_INIT]\n";
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
  options.n_init = std::stoi(arg(8, "1"));
  if (options.device->is_cuda()) fit_gmm(z.slice(0, 0, 1000), options);  // CUDA context, kernels

  std::optional<GmmFit> fit;
  const auto [fit_s, fit_cpu_s] = timed([&] { fit.emplace(fit_gmm(z, options)); });
  std::pair<double, double> bic{0.0, 0.0};
  if (bic_max > 0) bic = timed([&] { bic_curve(z, 1, bic_max, options); });
  std::printf(
      "{\"n\": %lld, \"dim\": %lld, \"components\": %lld, \"covariance\": \"%s\", "
      "\"device\": \"%s\", \"threads\": %d, \"n_init\": %d, \"fit_s\": %.4f, \"fit_cpu_s\": %.4f, "
      "\"iterations\": %d, \"converged\": %s, \"mean_log_likelihood\": %.6f, \"bic_max\": %lld, "
      "\"bic_s\": %.4f, "
      "\"bic_cpu_s\": %.4f}\n",
      static_cast<long long>(z.size(0)), static_cast<long long>(z.size(1)),
      static_cast<long long>(options.components), to_string(options.covariance).c_str(),
      device_name(*options.device).c_str(), at::get_num_threads(), options.n_init, fit_s, fit_cpu_s,
      fit->iterations, fit->converged ? "true" : "false",
      fit->log_likelihoods.mean().item<double>(), static_cast<long long>(bic_max), bic.first,
      bic.second);
  return 0;
} catch (const std::exception& e) {
  std::cerr << "latentlab_gmm_benchmark: " << e.what() << "\n";
  return 1;
}
