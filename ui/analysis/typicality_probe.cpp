#include "ui/analysis/typicality_probe.h"

#include <torch/torch.h>

#include <algorithm>

#include "ui/analysis/coalescing_worker.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"

namespace latentlab::ui {

namespace {

Typicality typicalityOf(const AnalysisGmm* gmm, const std::vector<float>& latent) {
  Typicality out;
  if (!gmm || int64_t(latent.size()) != gmm->model.dim()) return out;
  out.hasMixture = true;
  out.logLikelihood = gmm->model.log_likelihood_of(torch::tensor(latent, torch::kFloat32));
  const torch::Tensor& sorted = gmm->sortedLogLikelihoods;
  if (sorted.defined() && sorted.numel() > 0) {
    const double* begin = sorted.data_ptr<double>();
    const double* end = begin + sorted.numel();
    out.percentile = 100.0 * double(std::lower_bound(begin, end, out.logLikelihood) - begin) /
                     double(sorted.numel());
  }
  return out;
}

}  // namespace

TypicalityProbe::TypicalityProbe(const LatentAnalysis* analysis, QObject* parent)
    : QObject(parent),
      m_analysis(analysis),
      m_worker(std::make_unique<CoalescingWorker>(QStringLiteral("latentlab-typicality"), 1)) {}

TypicalityProbe::~TypicalityProbe() = default;

void TypicalityProbe::evaluate(const std::vector<float>& latent) {
  const quint64 id = ++m_requested;
  const std::shared_ptr<const AnalysisGmm> gmm = m_analysis->snapshot()->gmm;
  m_worker->post(0, [this, id, gmm, latent] {
    Typicality result;
    try {
      result = typicalityOf(gmm.get(), latent);
    } catch (const std::exception&) {
      result = Typicality();  // the meter says "no mixture" rather than a wrong value
    }
    QMetaObject::invokeMethod(
        this,
        [this, id, result] {
          m_answered = std::max(m_answered, id);
          emit evaluated(result);
        },
        Qt::QueuedConnection);
  });
}

}  // namespace latentlab::ui
