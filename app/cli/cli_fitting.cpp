#include "app/cli/cli_fitting.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/progress_line.h"
#include "core/common/error.h"
#include "core/model/model_analysis.h"

namespace latentlab::cli {

void print_attribute_reports(const std::vector<AttributeReport>& reports) {
  std::printf("%-20s %-10s %9s %9s %8s %8s %9s\n", "attribute", "method", "accuracy", "balanced",
              "with", "without", "length");
  for (const auto& r : reports) {
    const auto d = torch::tensor(r.vector.direction);
    std::printf("%-20s %-10s %9.4f %9.4f %8lld %8lld %9.4f\n", r.name.c_str(),
                r.vector.method.c_str(), *r.vector.accuracy, r.balanced_accuracy,
                static_cast<long long>(r.positives), static_cast<long long>(r.negatives),
                d.norm().item<double>());
  }
  std::fflush(stdout);
}

std::pair<int64_t, int64_t> parse_components_range(const std::string& text,
                                                   const std::string& option) {
  const auto dots = text.find("..");
  try {
    if (dots == std::string::npos) throw std::invalid_argument("no ..");
    size_t used_a = 0, used_b = 0;
    const auto a = text.substr(0, dots), b = text.substr(dots + 2);
    const int64_t lo = std::stoll(a, &used_a), hi = std::stoll(b, &used_b);
    if (used_a != a.size() || used_b != b.size() || lo < 1 || hi < lo || hi > 100)
      throw std::invalid_argument("");
    return {lo, hi};
  } catch (const std::logic_error&) {
    throw InputError(option + " needs a range A..B with 1 <= A <= B <= 100, got '" + text + "'");
  }
}

GmmFitOptions with_progress(GmmFitOptions options, ProgressLine& line) {
  if (!options.progress)
    options.progress = [&line](int64_t done, int64_t total) {
      line.update("EM " + std::to_string(done) + "/" + std::to_string(total) +
                  " iterations at most");
      return true;
    };
  return options;
}

void print_bic_table(const std::vector<BicPoint>& curve, double seconds) {
  const int64_t best = best_components(curve);
  std::printf("%4s %16s %20s\n", "K", "BIC", "mean log-likelihood");
  for (const auto& p : curve)
    std::printf("%4lld %16.1f %20.4f%s\n", static_cast<long long>(p.components), p.bic,
                p.mean_log_likelihood, p.components == best ? "  <- lowest BIC" : "");
  if (seconds >= 0)
    std::printf("BIC sweep over K = %lld..%lld in %.2f s\n",
                static_cast<long long>(curve.front().components),
                static_cast<long long>(curve.back().components), seconds);
  std::fflush(stdout);
}

int64_t choose_components(const torch::Tensor& latents, std::pair<int64_t, int64_t> range,
                          const GmmFitOptions& options) {
  ProgressLine line;
  const auto started = std::chrono::steady_clock::now();
  const auto curve = bic_curve(latents, range.first, range.second, with_progress(options, line));
  line.clear();
  print_bic_table(curve, seconds_since(started));
  return best_components(curve);
}

void print_gmm_fit(const GmmFit& fit, const GmmFitOptions& options, int64_t latents,
                   double seconds) {
  const int64_t k = fit.model.components();
  char took[32] = "";
  if (seconds >= 0) std::snprintf(took, sizeof took, " in %.2f s", seconds);
  std::printf(
      "GMM: %lld components, %s covariance, fitted on %lld of %lld latents%s "
      "(%d EM iterations%s)\n",
      static_cast<long long>(k), to_string(options.covariance).c_str(),
      static_cast<long long>(fit.fitted_samples), static_cast<long long>(latents), took,
      fit.iterations, fit.converged ? "" : ", not converged");
  std::printf("BIC %.1f, mean log-likelihood %.4f\n", fit.bic,
              fit.log_likelihoods.mean().item<double>());
  const auto counts = torch::bincount(fit.labels, {}, k);
  for (int64_t c = 0; c < k; ++c)
    std::printf("  component %2lld: weight %.4f, %lld latents\n", static_cast<long long>(c),
                fit.model.weights()[c].item<double>(),
                static_cast<long long>(counts[c].item<int64_t>()));
  std::fflush(stdout);
}

GmmFit fit_and_print_gmm(const torch::Tensor& latents, const GmmFitOptions& options) {
  ProgressLine line;
  const auto started = std::chrono::steady_clock::now();
  auto fit = fit_gmm(latents, with_progress(options, line));
  line.clear();
  print_gmm_fit(fit, options, latents.size(0), seconds_since(started));
  return fit;
}

void store_analysis(LoadedModel& loaded, const ModelInfo& info, const std::string& what) {
  const auto saved = save_analysis(loaded, info);
  std::cout << "stored " << what << " in " << saved.path << std::endl;
  for (const auto& note : saved.notes) std::cerr << "note: " << note << std::endl;
}

}  // namespace latentlab::cli
