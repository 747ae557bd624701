#include "app/cli/cli_fitting.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/progress_line.h"
#include "core/common/error.h"
#include "core/model/model_analysis.h"

namespace latentlab::cli {

std::vector<AttributeReport> attribute_reports(const Embedding& e, const std::string& spec,
                                               const std::vector<std::string>& names,
                                               const AttributeOptions& options) {
  torch::Tensor values = e.attributes;
  std::vector<std::string> columns = e.attribute_names;
  if (columns.empty()) {
    if (e.class_names.empty())
      throw InputError(spec +
                       " has neither attributes nor class labels to compute attributes from");
    values = one_vs_rest(e.labels, static_cast<int64_t>(e.class_names.size()));
    columns = e.class_names;
    std::cerr << "no attributes in " << spec << ": one attribute per class, against the rest"
              << std::endl;
  }
  return compute_attributes(e.means, values, columns, names, options);
}

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

namespace {

// The EM progress on one status line; options keeps its own callback if it has one.
GmmFitOptions with_progress(GmmFitOptions options, ProgressLine& line) {
  if (!options.progress)
    options.progress = [&line](int64_t done, int64_t total) {
      line.update("EM " + std::to_string(done) + "/" + std::to_string(total) +
                  " iterations at most");
      return true;
    };
  return options;
}

}  // namespace

int64_t choose_components(const torch::Tensor& latents, std::pair<int64_t, int64_t> range,
                          const GmmFitOptions& options) {
  ProgressLine line;
  const auto started = std::chrono::steady_clock::now();
  const auto curve = bic_curve(latents, range.first, range.second, with_progress(options, line));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  line.clear();
  const int64_t best = best_components(curve);
  std::printf("%4s %16s %20s\n", "K", "BIC", "mean log-likelihood");
  for (const auto& p : curve)
    std::printf("%4lld %16.1f %20.4f%s\n", static_cast<long long>(p.components), p.bic,
                p.mean_log_likelihood, p.components == best ? "  <- lowest BIC" : "");
  std::printf("BIC sweep over K = %lld..%lld in %.2f s\n", static_cast<long long>(range.first),
              static_cast<long long>(range.second), took.count());
  std::fflush(stdout);
  return best;
}

GmmFit fit_and_print_gmm(const torch::Tensor& latents, const GmmFitOptions& options) {
  ProgressLine line;
  const auto started = std::chrono::steady_clock::now();
  auto fit = fit_gmm(latents, with_progress(options, line));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  line.clear();
  const int64_t k = options.components;
  std::printf(
      "GMM: %lld components, %s covariance, fitted on %lld of %lld latents in %.2f s "
      "(%d EM iterations%s)\n",
      static_cast<long long>(k), to_string(options.covariance).c_str(),
      static_cast<long long>(fit.fitted_samples), static_cast<long long>(latents.size(0)),
      took.count(), fit.iterations, fit.converged ? "" : ", not converged");
  std::printf("BIC %.1f, mean log-likelihood %.4f\n", fit.bic,
              fit.log_likelihoods.mean().item<double>());
  const auto counts = torch::bincount(fit.labels, {}, k);
  for (int64_t c = 0; c < k; ++c)
    std::printf("  component %2lld: weight %.4f, %lld latents\n", static_cast<long long>(c),
                fit.model.weights()[c].item<double>(),
                static_cast<long long>(counts[c].item<int64_t>()));
  std::fflush(stdout);
  return fit;
}

void store_analysis(const LoadedModel& loaded, const ModelInfo& info, const std::string& what) {
  const auto saved = save_analysis(loaded, info);
  std::cout << "stored " << what << " in " << saved.path << std::endl;
  for (const auto& note : saved.notes) std::cerr << "note: " << note << std::endl;
}

}  // namespace latentlab::cli
