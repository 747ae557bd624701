#include "ui/analysis/neighbour_search.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/analysis/neighbours.h"
#include "core/model/model.h"
#include "ui/analysis/coalescing_worker.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"

namespace latentlab::ui {

NeighbourSearch::NeighbourSearch(const LatentAnalysis* analysis, QObject* parent)
    : QObject(parent),
      m_analysis(analysis),
      m_worker(std::make_unique<CoalescingWorker>(QStringLiteral("latentlab-neighbours"), 1)) {}

NeighbourSearch::~NeighbourSearch() = default;

void NeighbourSearch::search(const std::vector<float>& latent, int count) {
  const quint64 id = ++m_requested;
  const std::shared_ptr<const LatentAnalysisData> data = m_analysis->snapshot();
  const std::shared_ptr<Model> model = m_analysis->model().model;
  m_worker->post(0, [this, id, data, model, latent, count] {
    std::vector<Neighbour> out;
    const torch::Tensor& means = data->embedding.means;
    if (model && means.defined() && int64_t(latent.size()) == means.size(1)) {
      try {
        const auto nearest =
            nearest_neighbours(means, torch::tensor(latent, torch::kFloat32), count);
        for (int64_t j = 0; j < nearest.indices.size(0); ++j) {
          const int index = int(nearest.indices[j].item<int64_t>());
          out.push_back({index, nearest.distances[j].item<double>(),
                         pointImage(*data, model->output_range(), index),
                         pointCaption(*data, index)});
        }
      } catch (const std::exception&) {
        out.clear();  // no strip rather than a half one; the map itself is unaffected
      }
    }
    QMetaObject::invokeMethod(
        this,
        [this, id, out = std::move(out)] {
          m_answered = std::max(m_answered, id);
          emit found(out);
        },
        Qt::QueuedConnection);
  });
}

}  // namespace latentlab::ui
