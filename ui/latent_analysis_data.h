#pragma once
// The tensors behind LatentAnalysis, for the torch sources of the analysis panels (widget
// headers never include this).
#include <torch/types.h>

#include <QString>
#include <memory>

#include "core/dataset.h"
#include "core/embedding.h"
#include "core/gmm.h"

namespace latentlab::ui {

// A GMM and, when a data set is encoded, what it says about every encoded point.
struct AnalysisGmm {
  Gmm model;
  QString source;                      // where it came from, for the panels' captions
  bool stored = false;                 // read from the checkpoint (not fitted in this session)
  torch::Tensor labels;                // [N] int64 most likely component; undefined without points
  torch::Tensor sortedLogLikelihoods;  // [N] float64 ascending: typicality percentiles
};

// gmm evaluated on latents [N, D] (undefined latents: no per-point values).
std::shared_ptr<const AnalysisGmm> makeAnalysisGmm(Gmm gmm, const QString& source, bool stored,
                                                   const torch::Tensor& latents);

struct LatentAnalysisData {
  Embedding embedding;                     // means [N, D], labels, attributes and their names
  std::shared_ptr<const Dataset> dataset;  // the same images, for thumbnails
  std::shared_ptr<const AnalysisGmm> gmm;  // the active mixture, or null
};

}  // namespace latentlab::ui
