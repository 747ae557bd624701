#pragma once
// What attributes, gmm and analyse share: the tables they print (attribute vectors with their
// accuracy, the BIC table that chooses a GMM's K, the fitted mixture), EM's progress line, and
// storing the result where the model's analysis lives (core/model/model_analysis.h).
#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

#include "app/cli/progress_line.h"
#include "core/analysis/gmm.h"
#include "core/fitting/attributes.h"
#include "core/model/model_file.h"

namespace latentlab::cli {

// The table: name, method, held-out accuracy, balanced accuracy, class sizes, length.
void print_attribute_reports(const std::vector<AttributeReport>& reports);

// "A..B" with 1 <= A <= B <= 100; throws InputError naming the option.
std::pair<int64_t, int64_t> parse_components_range(const std::string& text,
                                                   const std::string& option);
// options with EM's progress on line (unless it has a callback of its own).
GmmFitOptions with_progress(GmmFitOptions options, ProgressLine& line);
// K, BIC and mean log-likelihood per row, the lowest BIC marked, and the sweep's time (none when
// seconds < 0).
void print_bic_table(const std::vector<BicPoint>& curve, double seconds);
// Fits K = range, prints the BIC table and returns the K with the lowest BIC.
int64_t choose_components(const torch::Tensor& latents, std::pair<int64_t, int64_t> range,
                          const GmmFitOptions& options);
// K, covariance, time (none when seconds < 0), iterations, BIC and each component's weight and
// size.
void print_gmm_fit(const GmmFit& fit, const GmmFitOptions& options, int64_t latents,
                   double seconds);
// Fits with options.components and prints the fit.
GmmFit fit_and_print_gmm(const torch::Tensor& latents, const GmmFitOptions& options);

// save_analysis, then "stored WHAT in PATH" on stdout and its notes on stderr.
void store_analysis(LoadedModel& loaded, const ModelInfo& info, const std::string& what);

}  // namespace latentlab::cli
