#pragma once
// What attributes, gmm and analyse share: attribute vectors from whatever labels a data set has,
// the BIC table that chooses a GMM's K, and storing the result where the model's analysis lives
// (core/model/model_analysis.h), each printed the same way by every verb.
#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

#include "core/analysis/embedding.h"
#include "core/fitting/attributes.h"
#include "core/analysis/gmm.h"
#include "core/model/model_file.h"

namespace latentlab::cli {

// Attribute vectors from the embedding's attribute columns (CelebA), or one class against the rest
// when it has only class labels (IDX, Fashion-MNIST, sub-folder names). Throws InputError naming
// spec when it has neither, or for an unknown name.
std::vector<AttributeReport> attribute_reports(const Embedding& e, const std::string& spec,
                                               const std::vector<std::string>& names,
                                               const AttributeOptions& options);
// The table: name, method, held-out accuracy, balanced accuracy, class sizes, length.
void print_attribute_reports(const std::vector<AttributeReport>& reports);

// "A..B" with 1 <= A <= B <= 100; throws InputError naming the option.
std::pair<int64_t, int64_t> parse_components_range(const std::string& text,
                                                   const std::string& option);
// Fits K = range, prints the BIC table and returns the K with the lowest BIC.
int64_t choose_components(const torch::Tensor& latents, std::pair<int64_t, int64_t> range,
                          const GmmFitOptions& options);
// Fits with options.components and prints the fit: K, time, BIC and each component's weight.
GmmFit fit_and_print_gmm(const torch::Tensor& latents, const GmmFitOptions& options);

// save_analysis, then "stored WHAT in PATH" on stdout and its notes on stderr.
void store_analysis(const LoadedModel& loaded, const ModelInfo& info, const std::string& what);

}  // namespace latentlab::cli
