#include "ui/analysis/latent_analysis_data.h"

#include <torch/torch.h>

#include <atomic>

#include "ui/render/tensor_image.h"

namespace latentlab::ui {

quint64 newGmmSerial() {
  static std::atomic<quint64> last{0};
  return ++last;
}

std::shared_ptr<const AnalysisGmm> makeAnalysisGmm(Gmm gmm, const QString& source, bool stored,
                                                   const torch::Tensor& latents) {
  return reevaluate(AnalysisGmm{std::move(gmm), source, stored, newGmmSerial(), {}, {}}, latents);
}

std::shared_ptr<const AnalysisGmm> reevaluate(const AnalysisGmm& gmm,
                                              const torch::Tensor& latents) {
  auto out = std::make_shared<AnalysisGmm>(
      AnalysisGmm{gmm.model, gmm.source, gmm.stored, gmm.serial, {}, {}});
  if (latents.defined() && latents.size(0) > 0) {
    // One pass over the points for both (as fit_gmm does): each costs as much as the other.
    const auto densities = out->model.component_log_densities(latents);
    out->labels = densities.argmax(1);
    out->sortedLogLikelihoods = std::get<0>(torch::logsumexp(densities, 1).sort());
  }
  return out;
}

QImage pointImage(const LatentAnalysisData& data, OutputRange range, int index) {
  if (!data.dataset || index < 0 || index >= data.dataset->size()) return {};
  try {
    return tensorToImage(data.dataset->image(index), range);
  } catch (const std::exception&) {
    return {};
  }
}

QString pointCaption(const LatentAnalysisData& data, int index) {
  QString text = QStringLiteral("#%1").arg(index);
  const auto& e = data.embedding;
  if (e.labels.defined() && index >= 0 && index < e.labels.size(0)) {
    const int64_t label = e.labels[index].item<int64_t>();
    if (label >= 0 && size_t(label) < e.class_names.size())
      text += QStringLiteral(" · ") + QString::fromStdString(e.class_names[size_t(label)]);
  }
  return text;
}

}  // namespace latentlab::ui
