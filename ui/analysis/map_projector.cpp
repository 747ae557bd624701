#include "ui/analysis/map_projector.h"

#include <c10/util/Exception.h>
#include <torch/torch.h>

#include <algorithm>

#include "ui/analysis/coalescing_worker.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"

namespace latentlab::ui {

namespace {

constexpr int kEllipsePoints = 72;
constexpr double kEllipseSigmas = 2.0;

MapEllipses ellipsesIn(const Projection* projection, const AnalysisGmm* gmm) {
  MapEllipses out;
  if (!projection || !gmm || gmm->model.dim() != projection->dim()) return out;
  int k = 0;
  for (const Ellipse& ellipse : gmm->model.ellipses(*projection, kEllipseSigmas)) {
    std::vector<QPointF> outline;
    for (const auto& p : ellipse.outline(kEllipsePoints)) outline.emplace_back(p[0], p[1]);
    out.outlines.push_back(std::move(outline));
    out.labels << QString::number(k++);
  }
  return out;
}

// The axis titles: a principal direction's share of the variance, or the dimension's name.
void axisLabels(const Projection& p, MapLayout& layout) {
  if (p.kind == "pca") {
    const auto ratio = p.explained_variance_ratio;
    layout.xLabel = MapProjector::tr("PC1 (%1 % of the variance)")
                        .arg(ratio[0].item<double>() * 100, 0, 'f', 1);
    layout.yLabel = MapProjector::tr("PC2 (%1 % of the variance)")
                        .arg(ratio[1].item<double>() * 100, 0, 'f', 1);
    return;
  }
  // "dims:I,J": each row of the projection is the unit vector of its dimension.
  const auto dims = p.components.argmax(1);
  layout.xLabel = QStringLiteral("z%1").arg(dims[0].item<int64_t>());
  layout.yLabel = QStringLiteral("z%1").arg(dims[1].item<int64_t>());
}

}  // namespace

struct MapProjector::Plane {
  std::shared_ptr<const Projection> projection;  // null: no points, or the plane failed
};

MapProjector::MapProjector(const LatentAnalysis* analysis, QObject* parent)
    : QObject(parent),
      m_analysis(analysis),
      m_plane(std::make_shared<Plane>()),
      m_worker(std::make_unique<CoalescingWorker>(QStringLiteral("latentlab-map"), kKinds)) {}

MapProjector::~MapProjector() = default;

void MapProjector::post(Kind kind, std::function<std::function<void()>()> work) {
  const quint64 id = ++m_requested[size_t(kind)];
  m_worker->post(kind, [this, kind, id, work = std::move(work)] {
    std::function<void()> deliver;
    try {
      deliver = work();
    } catch (const c10::Error& e) {
      deliver = [this, message = QString::fromStdString(e.what_without_backtrace())] {
        emit failed(message);
      };
    } catch (const std::exception& e) {
      deliver = [this, message = QString::fromStdString(e.what())] { emit failed(message); };
    }
    QMetaObject::invokeMethod(
        this,
        [this, kind, id, deliver = std::move(deliver)] {
          m_answered[size_t(kind)] = std::max(m_answered[size_t(kind)], id);
          deliver();
        },
        Qt::QueuedConnection);
  });
}

void MapProjector::setProjection(const QString& spec) {
  const std::shared_ptr<const LatentAnalysisData> data = m_analysis->snapshot();
  const std::shared_ptr<Plane> plane = m_plane;
  const std::string text = spec.toStdString();
  post(kLayout, [this, data, plane, text]() -> std::function<void()> {
    plane->projection.reset();
    const torch::Tensor& means = data->embedding.means;
    if (!means.defined())
      return [this] {
        emit layoutReady({});
        emit ellipsesReady({});
      };
    // The PCA plane comes with the embedding, fitted when it was encoded.
    plane->projection = std::make_shared<const Projection>(
        text == "pca" && data->pca ? *data->pca : make_projection(text, means));
    const Projection& p = *plane->projection;
    MapLayout layout;
    axisLabels(p, layout);
    const auto xy = p.project(means).contiguous();
    const double* d = xy.data_ptr<double>();
    const auto n = size_t(xy.size(0));
    layout.x.resize(n);
    layout.y.resize(n);
    for (size_t i = 0; i < n; ++i) layout.x[i] = d[2 * i], layout.y[i] = d[2 * i + 1];
    MapEllipses ellipses = ellipsesIn(&p, data->gmm.get());
    return [this, layout = std::move(layout), ellipses = std::move(ellipses)] {
      emit layoutReady(layout);
      emit ellipsesReady(ellipses);
    };
  });
  track(m_latent);  // runs after the layout (slot order): the marker in the new plane
}

void MapProjector::updateEllipses() {
  const std::shared_ptr<const AnalysisGmm> gmm = m_analysis->snapshot()->gmm;
  const std::shared_ptr<Plane> plane = m_plane;
  post(kEllipses, [this, gmm, plane]() -> std::function<void()> {
    return [this, ellipses = ellipsesIn(plane->projection.get(), gmm.get())] {
      emit ellipsesReady(ellipses);
    };
  });
}

void MapProjector::track(const std::vector<float>& latent) {
  m_latent = latent;
  const std::shared_ptr<Plane> plane = m_plane;
  post(kMarker, [this, latent, plane]() -> std::function<void()> {
    const std::shared_ptr<const Projection> p = plane->projection;
    if (!p || int64_t(latent.size()) != p->dim()) return [this] { emit markerCleared(); };
    const auto xy = p->project(torch::tensor(latent, torch::kFloat32));
    const QPointF position(xy[0].item<double>(), xy[1].item<double>());
    return [this, position] { emit markerMoved(position); };
  });
}

}  // namespace latentlab::ui
