#pragma once
// The tensors behind LatentAnalysis, for the torch sources of ui/analysis (widget headers never
// include this). LatentAnalysis replaces its LatentAnalysisData as a whole on every change and
// never writes into one it has handed out, so a worker job may read a snapshot
// (LatentAnalysis::snapshot()) on its own thread while the UI thread moves on.
#include <torch/types.h>

#include <QImage>
#include <QString>
#include <memory>
#include <optional>

#include "core/analysis/embedding.h"
#include "core/analysis/projection.h"
#include "core/common/types.h"
#include "core/data/dataset.h"
#include "core/fitting/gmm.h"

namespace latentlab::ui {

// A GMM and, when a data set is encoded, what it says about every encoded point.
struct AnalysisGmm {
  Gmm model;
  QString source;                      // where it came from, for the panels' captions
  bool stored = false;                 // read from the checkpoint (not fitted in this session)
  quint64 serial = 0;                  // the same for every evaluation of the same mixture
  torch::Tensor labels;                // [N] int64 most likely component; undefined without points
  torch::Tensor sortedLogLikelihoods;  // [N] float64 ascending: typicality percentiles
};

// A serial for a new mixture.
quint64 newGmmSerial();
// A new mixture, evaluated on latents [N, D] when they are given. Slow for large N (about half a
// second for 60,000 points and 10 components): call it in a BackgroundJob.
std::shared_ptr<const AnalysisGmm> makeAnalysisGmm(Gmm gmm, const QString& source, bool stored,
                                                   const torch::Tensor& latents = {});
// The same mixture (same serial) evaluated on other latents (undefined: no per-point values).
std::shared_ptr<const AnalysisGmm> reevaluate(const AnalysisGmm& gmm, const torch::Tensor& latents);

struct LatentAnalysisData {
  Embedding embedding;                     // means [N, D], labels, attributes and their names
  std::optional<Projection> pca;           // the means' top two principal directions
  std::shared_ptr<const Dataset> dataset;  // the same images, for thumbnails (after detailsReady)
  std::shared_ptr<const AnalysisGmm> gmm;  // the active mixture, or null
};

// Point index's data set image as the model sees it (its shape, its range): null while the data
// set is not open and for an image that fails to decode (the point itself stays usable).
// Thread-safe: data sets decode images on any thread.
QImage pointImage(const LatentAnalysisData& data, OutputRange range, int index);
// "#12 · Trouser": the point's index and, when the data set has labels, its class.
QString pointCaption(const LatentAnalysisData& data, int index);

}  // namespace latentlab::ui
