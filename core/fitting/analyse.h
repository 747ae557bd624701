#pragma once
// The guided analysis of a model with a data set, shared by `latentlab-cli analyse` and the GUI's
// "Analyse with a Data Set": attribute vectors from whatever labels the encoded data set has
// (CelebA attribute columns, else one class against the rest for class labels of IDX files,
// Fashion-MNIST or sub-folder names) and a Gaussian mixture whose K has the lowest BIC over a
// range. Storing the result is the caller's (core/model/model_analysis.h: save_analysis).
#include <string>
#include <vector>

#include "core/analysis/embedding.h"
#include "core/analysis/gmm.h"
#include "core/fitting/attributes.h"

namespace latentlab {

// Attribute vectors from e's attribute columns, or one per class (that class against the rest)
// when it has only class labels; *note then says so. Throws InputError naming options.source when
// it has neither, or for an unknown name.
std::vector<AttributeReport> labelled_attributes(const Embedding& e,
                                                 const std::vector<std::string>& names,
                                                 const AttributeOptions& options,
                                                 std::string* note = nullptr);

struct AnalyseOptions {
  AttributeOptions attributes;
  GmmFitOptions gmm;  // components is chosen by BIC; progress sees the sweep, then the final fit
  int64_t min_components = 1, max_components = 8;  // at most one per latent
};

struct AnalyseResult {
  std::vector<AttributeReport> attributes;  // empty when the data set has no labels
  std::string attributes_note;              // why there are none, or "one per class"
  std::vector<BicPoint> bic;                // one row per K of the range
  GmmFit gmm;                               // the fit of the K with the lowest BIC
};

// Throws what labelled_attributes and fit_gmm throw, except the missing labels (attributes_note).
AnalyseResult analyse_embedding(const Embedding& e, const AnalyseOptions& options);

// Lays the result's attribute vectors (replacing those of the same name) and mixture over info.
void apply_analyse_result(ModelInfo& info, const AnalyseResult& result);

}  // namespace latentlab
