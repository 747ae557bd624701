#include "ui/analysis/gmm_analysis.h"

#include <torch/torch.h>

#include "core/common/tensor_values.h"
#include "core/model/model_info.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/analysis/model_store.h"

namespace latentlab::ui {

GmmAnalysis::GmmAnalysis(LatentAnalysis* analysis, QObject* parent)
    : QObject(parent),
      m_analysis(analysis),
      m_fitJob(new BackgroundJob(this)),
      m_fitResult(std::make_shared<std::shared_ptr<const AnalysisGmm>>()) {
  connect(m_fitJob, &BackgroundJob::succeeded, this, [this] {
    if (*m_fitResult) m_analysis->setGmm(std::move(*m_fitResult));
  });
}

bool GmmAnalysis::fit(int components, const QString& covariance) {
  if (!m_analysis->hasEmbedding() || m_fitJob->isRunning()) return false;
  GmmFitOptions options;
  options.components = components;
  options.covariance = parse_covariance_type(covariance.toStdString());
  const torch::Tensor means = m_analysis->data().embedding.means;
  const QString source =
      tr("fitted on %1 (%L2 points)").arg(m_analysis->spec()).arg(m_analysis->size());
  auto result = m_fitResult;
  result->reset();
  // EM cannot stop midway: a cancelled fit runs to its end and BackgroundJob drops the result.
  return m_fitJob->start([means, options, source, result](BackgroundJob&) {
    GmmFit fit = fit_gmm(means, options);
    *result = std::make_shared<const AnalysisGmm>(
        AnalysisGmm{std::move(fit.model), source, false, newGmmSerial(), fit.labels,
                    std::get<0>(fit.log_likelihoods.sort())});
  });
}

GmmSummary GmmAnalysis::summary() const {
  GmmSummary out;
  const auto& gmm = m_analysis->data().gmm;
  if (!gmm) return out;
  const ModelSummary& model = m_analysis->model();
  out.serial = gmm->serial;
  out.components = int(gmm->model.components());
  out.covariance = QString::fromStdString(to_string(gmm->model.covariance_type()));
  out.source = gmm->source;
  out.storable = !gmm->stored && model.file;
  for (int64_t k = 0; k < gmm->model.components(); ++k) {
    out.weights.push_back(gmm->model.weights()[k].item<double>());
    out.means.push_back(tensor_values<float>(gmm->model.means()[k]));
  }
  return out;
}

std::vector<float> GmmAnalysis::sample(int component, quint64 seed) const {
  const auto& gmm = m_analysis->data().gmm;
  if (!gmm || component < 0 || component >= gmm->model.components()) return {};
  return tensor_values<float>(gmm->model.sample(1, seed, component)[0]);
}

std::optional<StoredAnalysis> GmmAnalysis::store() const {
  const auto& gmm = m_analysis->data().gmm;
  if (!gmm) return std::nullopt;
  const GaussianMixture mixture = gmm->model.to_info();
  return storeAnalysis(m_analysis->model(), [&mixture](ModelInfo& info) { info.gmm = mixture; });
}

}  // namespace latentlab::ui
