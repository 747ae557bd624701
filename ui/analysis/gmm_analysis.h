#pragma once
// The GMM panel's work on the analysis' mixture: fitting one with EM to the encoded points (core's
// cv::ml::EM wrapper, in a BackgroundJob), describing the active one in plain values, drawing a
// latent from a component, and storing the mixture with the model's analysis (model_store.h).
// LibTorch stays in the .cpp.
#include <QObject>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "ui/analysis/model_store.h"

namespace latentlab::ui {

class BackgroundJob;
class LatentAnalysis;
struct AnalysisGmm;

// The active mixture as the panel shows it.
struct GmmSummary {
  quint64 serial = 0;  // AnalysisGmm::serial, the same for every evaluation; 0: no mixture
  int components = 0;
  QString covariance;     // "full", "diag" or "spherical"
  QString source;         // where it came from
  bool storable = false;  // fitted in this session (any model can store it)
  std::vector<double> weights;
  std::vector<std::vector<float>> means;  // one latent per component

  bool isValid() const { return serial != 0; }
};

class GmmAnalysis : public QObject {
  Q_OBJECT

 public:
  explicit GmmAnalysis(LatentAnalysis* analysis, QObject* parent = nullptr);

  // Fits `components` Gaussians with covariance "full", "diag" or "spherical" to the encoded
  // points in fitJob(); when it succeeds the mixture becomes the analysis' active one. False when
  // nothing is encoded or a fit is still running.
  bool fit(int components, const QString& covariance);
  BackgroundJob* fitJob() const { return m_fitJob; }

  GmmSummary summary() const;
  // A draw from component k of the active mixture (core's Gmm::sample with this seed); empty
  // without a mixture or for a component it does not have.
  std::vector<float> sample(int component, quint64 seed) const;
  // Stores the active mixture with the model's analysis (atomically, by core); nothing when there
  // is none to store. Throws core's error, naming the file, when it cannot write.
  std::optional<StoredAnalysis> store() const;

 private:
  LatentAnalysis* m_analysis;
  BackgroundJob* m_fitJob;
  // Written by the fit job, taken on the UI thread when it succeeds.
  std::shared_ptr<std::shared_ptr<const AnalysisGmm>> m_fitResult;
};

}  // namespace latentlab::ui
