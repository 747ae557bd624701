#include "core/fitting/analyse.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"

namespace latentlab {

std::vector<AttributeReport> labelled_attributes(const Embedding& e,
                                                 const std::vector<std::string>& names,
                                                 const AttributeOptions& options,
                                                 std::string* note) {
  if (!e.attribute_names.empty())
    return compute_attributes(e.means, e.attributes, e.attribute_names, names, options);
  if (e.class_names.empty())
    throw InputError(options.source +
                     " has neither attributes nor class labels to compute attributes from");
  if (note) *note = "no attributes in " + options.source + ": one per class, against the rest";
  const auto values = one_vs_rest(e.labels, static_cast<int64_t>(e.class_names.size()));
  return compute_attributes(e.means, values, e.class_names, names, options);
}

AnalyseResult analyse_embedding(const Embedding& e, const AnalyseOptions& options) {
  std::vector<AttributeReport> attributes;
  std::string note;
  if (e.attribute_names.empty() && e.class_names.empty())
    note = options.attributes.source + " has no labels: no attribute vectors";
  else
    attributes = labelled_attributes(e, {}, options.attributes, &note);
  // A mixture needs at least as many latents as components: small data sets sweep less far.
  const int64_t k_max = std::min(options.max_components, e.means.size(0));
  if (k_max < options.min_components)
    throw InputError(options.attributes.source + " has " + std::to_string(e.means.size(0)) +
                     " images: too few for a GMM of " + std::to_string(options.min_components) +
                     " components");
  auto bic = bic_curve(e.means, options.min_components, k_max, options.gmm);
  GmmFitOptions gmm = options.gmm;
  gmm.components = best_components(bic);
  return {std::move(attributes), std::move(note), std::move(bic), fit_gmm(e.means, gmm)};
}

void apply_analyse_result(ModelInfo& info, const AnalyseResult& result) {
  for (const auto& report : result.attributes) info.attributes[report.name] = report.vector;
  info.gmm = result.gmm.model.to_info();
}

}  // namespace latentlab
