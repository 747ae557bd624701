#include "ui/analysis/map_projector.h"

#include <c10/util/Exception.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <utility>

#include "core/analysis/attribute_axes.h"
#include "core/common/error.h"
#include "core/fitting/attributes.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/coalescing_worker.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/analysis/nonlinear_map.h"

namespace latentlab::ui {

namespace {

constexpr int kEllipsePoints = 72;
constexpr double kEllipseSigmas = 2.0;
// A moving layout is shown at most this often: often enough to watch, rarely enough that
// redrawing 70,000 points does not slow the optimisation down.
constexpr std::chrono::milliseconds kFrameInterval{150};
constexpr int64_t kMaxStepsPerCall = 50;

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

// The axis titles: a principal direction's share of the variance, else the axis' name (a
// dimension, an attribute).
void axisLabels(const Projection& p, MapLayout& layout) {
  if (p.kind == "pca") {
    const auto ratio = p.explained_variance_ratio;
    layout.xLabel = MapProjector::tr("PC1 (%1 % of the variance)")
                        .arg(ratio[0].item<double>() * 100, 0, 'f', 1);
    layout.yLabel = MapProjector::tr("PC2 (%1 % of the variance)")
                        .arg(ratio[1].item<double>() * 100, 0, 'f', 1);
    return;
  }
  layout.xLabel = QString::fromStdString(p.axis_names.at(0));
  layout.yLabel = QString::fromStdString(p.axis_names.at(1));
}

// The map's points now, titled with its method and parameters.
MapLayout mapLayout(const NonlinearMap& map) {
  MapLayout layout;
  const auto xy = map.positions();
  layout.x.resize(xy.size() / 2);
  layout.y.resize(xy.size() / 2);
  for (size_t i = 0; i < layout.x.size(); ++i) layout.x[i] = xy[2 * i], layout.y[i] = xy[2 * i + 1];
  const QString name = QString::fromStdString(map.name());
  layout.xLabel = name + QStringLiteral(" 1");
  layout.yLabel = name + QStringLiteral(" 2 (%1)").arg(QString::fromStdString(map.description()));
  return layout;
}

}  // namespace

struct MapProjector::Plane {
  std::shared_ptr<const Projection> projection;  // null: no points, or the plane failed
  std::shared_ptr<const NonlinearMap> map;       // a finished UMAP or t-SNE instead
};

struct MapProjector::Latest {
  std::mutex mutex;
  std::vector<float> latent;
};

MapProjector::MapProjector(const LatentAnalysis* analysis, QObject* parent)
    : QObject(parent),
      m_analysis(analysis),
      m_plane(std::make_shared<Plane>()),
      m_latest(std::make_shared<Latest>()),
      m_layoutJob(new BackgroundJob(this)),
      m_worker(std::make_unique<CoalescingWorker>(QStringLiteral("latentlab-map"), kKinds)) {
  const auto next = [this] {
    if (m_pendingLayout.empty()) return;
    const std::string spec = std::exchange(m_pendingLayout, {});
    startLayout(spec);
  };
  connect(m_layoutJob, &BackgroundJob::succeeded, this, next);
  connect(m_layoutJob, &BackgroundJob::cancelled, this, next);
  connect(m_layoutJob, &BackgroundJob::failed, this, [this, next](const QString& message) {
    if (m_pendingLayout.empty()) emit failed(message);
    next();
  });
}

// The layout job first: it waits for its work, which posts to this object and to the worker.
MapProjector::~MapProjector() { delete m_layoutJob; }

bool MapProjector::isSettled() const {
  return m_answered == m_requested && !m_layoutJob->isRunning() && m_pendingLayout.empty();
}

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
  const std::shared_ptr<const ModelInfo> info = m_analysis->model().info;
  const std::shared_ptr<Plane> plane = m_plane;
  const std::string text = spec.toStdString();
  ++m_layoutRun;
  m_pendingLayout.clear();
  m_layoutJob->cancel();
  if (isNonlinearSpec(text) && data->embedding.means.defined()) {
    if (m_layoutJob->isRunning())
      m_pendingLayout = text;  // started when the running one has stopped
    else
      startLayout(text);
    return;
  }
  post(kLayout, [this, data, info, plane, text]() -> std::function<void()> {
    plane->projection.reset();
    plane->map.reset();
    const torch::Tensor& means = data->embedding.means;
    if (!means.defined())
      return [this] {
        emit layoutReady({});
        emit ellipsesReady({});
      };
    // The PCA plane comes with the embedding, fitted when it was encoded.
    if (text.rfind("attributes:", 0) == 0 && info)
      plane->projection = std::make_shared<const Projection>(
          attribute_projection(text, attribute_directions(*info, data->embedding), means));
    else
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
  {
    const std::lock_guard<std::mutex> lock(m_latest->mutex);
    m_latest->latent = latent;
  }
  const std::shared_ptr<Plane> plane = m_plane;
  post(kMarker, [this, latent, plane]() -> std::function<void()> {
    if (const std::shared_ptr<const NonlinearMap> map = plane->map) {
      if (latent.empty()) return [this] { emit markerCleared(); };
      const auto xy = map->transform(latent);
      return [this, position = QPointF(xy[0], xy[1])] { emit markerMoved(position); };
    }
    const std::shared_ptr<const Projection> p = plane->projection;
    if (!p || int64_t(latent.size()) != p->dim()) return [this] { emit markerCleared(); };
    const auto xy = p->project(torch::tensor(latent, torch::kFloat32));
    const QPointF position(xy[0].item<double>(), xy[1].item<double>());
    return [this, position] { emit markerMoved(position); };
  });
}

void MapProjector::startLayout(const std::string& spec) {
  const std::shared_ptr<const LatentAnalysisData> data = m_analysis->snapshot();
  const std::shared_ptr<Latest> latest = m_latest;
  const quint64 run = m_layoutRun;
  // Hands a result to the UI thread, where it is dropped if another projection came since.
  const auto deliver = [this, run](std::function<void()> show) {
    QMetaObject::invokeMethod(
        this,
        [this, run, show = std::move(show)] {
          if (run == m_layoutRun) show();
        },
        Qt::QueuedConnection);
  };
  // The current latent's place in the moving layout (empty when it does not fit).
  const auto marker = [latest](const NonlinearMap& map) {
    std::vector<float> latent;
    {
      const std::lock_guard<std::mutex> lock(latest->mutex);
      latent = latest->latent;
    }
    return int64_t(latent.size()) == map.dim() ? map.transform(latent) : std::vector<double>{};
  };
  m_layoutJob->start([this, spec, data, deliver, marker](BackgroundJob& job) {
    auto map = std::make_shared<NonlinearMap>(spec);
    const torch::Tensor& means = data->embedding.means;
    const auto progress = [&job, &map](int64_t done, int64_t total) {
      job.reportProgress(0.1 * double(done) / double(std::max<int64_t>(total, 1)),
                         tr("%1: neighbours and graph").arg(QString::fromStdString(map->name())));
      return !job.isCancelled();
    };
    const std::string& embeddingCache = data->embedding.cache_path;
    const std::string cache = embeddingCache.empty() ? "" : embeddingCache + map->cacheSuffix();
    if (!map->restore(cache, means, progress)) {
      map->initialize(means, progress);
      auto shown = std::chrono::steady_clock::now() - kFrameInterval;
      // As many steps per call as fill about a frame: t-SNE works out its KL divergence (a fifth
      // of an iteration) once per call, not once per iteration.
      int64_t chunk = 1;
      while (!map->done()) {
        const auto started = std::chrono::steady_clock::now();
        const int64_t ran = map->step(chunk, [&job] { return !job.isCancelled(); });
        if (job.isCancelled()) throw Cancelled();
        const auto per_step =
            (std::chrono::steady_clock::now() - started) / std::max<int64_t>(ran, 1);
        const std::chrono::steady_clock::duration shortest{1};
        chunk =
            std::clamp<int64_t>(kFrameInterval / std::max(per_step, shortest), 1, kMaxStepsPerCall);
        if (std::chrono::steady_clock::now() - shown < kFrameInterval) continue;
        shown = std::chrono::steady_clock::now();
        job.reportProgress(0.1 + 0.9 * map->fraction(), QString::fromStdString(map->description()));
        deliver([this, layout = mapLayout(*map), xy = marker(*map)] {
          emit layoutReady(layout);
          if (xy.size() == 2) emit markerMoved(QPointF(xy[0], xy[1]));
        });
      }
      try {
        if (!cache.empty()) map->save(cache);
      } catch (const std::exception&) {
        // A cache that cannot be written costs the next run its time, nothing else.
      }
    }
    deliver([this, map, layout = mapLayout(*map)] { installMap(map, layout); });
  });
}

void MapProjector::installMap(std::shared_ptr<const NonlinearMap> map, MapLayout layout) {
  const std::shared_ptr<Plane> plane = m_plane;
  post(kLayout, [this, plane, map, layout = std::move(layout)]() -> std::function<void()> {
    plane->projection.reset();
    plane->map = map;
    return [this, layout] {
      emit layoutReady(layout);
      emit ellipsesReady({});  // ellipses belong to linear planes
    };
  });
  track(m_latent);
}

}  // namespace latentlab::ui
