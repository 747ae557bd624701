#pragma once
// The Latent map's geometry, computed on a worker thread of its own: every encoded point
// projected onto the chosen plane (the PCA plane, two latent dimensions or two attribute axes),
// the active GMM's 2-sigma ellipses in it, and the current latent's marker. Plain coordinates come
// back in the signals; the plane itself (a LibTorch Projection) stays on the worker.
//
// UMAP and t-SNE (nonlinear_map.h) run in layoutJob() instead, with progress and cancel:
// layoutReady comes every few steps while the points move, the marker follows the current latent
// through the method's transform, and the finished layout is cached with the embedding.
//
// Requests are coalesced (coalescing_worker.h): while a slider drags, only the newest latent is
// projected. Results arrive in the order the worker made them, so a marker always belongs to the
// plane of the last layout delivered before it.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace latentlab::ui {

class BackgroundJob;
class CoalescingWorker;
class LatentAnalysis;
class NonlinearMap;

struct MapLayout {
  std::vector<double> x, y;  // point i of the analysis at (x[i], y[i]); empty: no points
  QString xLabel, yLabel;
};

struct MapEllipses {
  std::vector<std::vector<QPointF>> outlines;  // closed outlines in plot coordinates
  QStringList labels;                          // the component number of each
};

class MapProjector : public QObject {
  Q_OBJECT

 public:
  explicit MapProjector(const LatentAnalysis* analysis, QObject* parent = nullptr);
  ~MapProjector() override;

  // Projects the analysis' encoded points onto spec, "pca", "dims:I,J" (0-based),
  // "attributes:A,B" or "attributes:A" (A and its best orthogonal partner): layoutReady (empty
  // without an embedding) or failed, then ellipsesReady and markerMoved in the new plane. Specs
  // "umap:..." and "tsne:..." (nonlinear_map.h) start layoutJob(), cancelling a running one.
  void setProjection(const QString& spec);
  BackgroundJob* layoutJob() const { return m_layoutJob; }
  // The active GMM changed: its ellipses in the current plane -> ellipsesReady.
  void updateEllipses();
  // The current latent moved: -> markerMoved, or markerCleared without a plane it fits.
  void track(const std::vector<float>& latent);

  // True when the newest request of every kind has been answered: for tests and benchmarks.
  bool isSettled() const;

 signals:
  void layoutReady(const latentlab::ui::MapLayout& layout);
  void ellipsesReady(const latentlab::ui::MapEllipses& ellipses);
  void markerMoved(QPointF position);
  void markerCleared();
  void failed(const QString& message);  // the plane could not be made; the map keeps its points

 private:
  enum Kind { kLayout, kEllipses, kMarker, kKinds };  // also the worker's slots, run in this order
  struct Plane;                                       // the worker's current Projection or map
  struct Latest;                                      // the latent a layout run follows

  // Posts work for kind; it returns what to run on the UI thread with the result.
  void post(Kind kind, std::function<std::function<void()>()> work);
  // Runs UMAP or t-SNE in the layout job (after the running one has stopped).
  void startLayout(const std::string& spec);
  // Makes a finished map the plane: marker requests then go through its transform.
  void installMap(std::shared_ptr<const NonlinearMap> map, MapLayout layout);

  const LatentAnalysis* m_analysis;
  std::vector<float> m_latent;  // the latent last tracked, projected again onto every new plane
  std::array<quint64, kKinds> m_requested{};
  std::array<quint64, kKinds> m_answered{};
  std::shared_ptr<Plane> m_plane;  // touched by the worker's thread only
  std::shared_ptr<Latest> m_latest;
  BackgroundJob* m_layoutJob;
  quint64 m_layoutRun = 0;      // results of older runs are dropped
  std::string m_pendingLayout;  // to start when the cancelled run has stopped
  // Last: destroyed first, so no job outlives what it uses.
  std::unique_ptr<CoalescingWorker> m_worker;
};

}  // namespace latentlab::ui
