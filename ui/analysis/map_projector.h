#pragma once
// The Latent map's geometry, computed on a worker thread of its own: every encoded point
// projected onto the chosen plane (the PCA plane or two latent dimensions), the active GMM's
// 2-sigma ellipses in it, and the current latent's marker. Plain coordinates come back in the
// signals; the plane itself (a LibTorch Projection) stays on the worker.
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
#include <vector>

namespace latentlab::ui {

class CoalescingWorker;
class LatentAnalysis;

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

  // Projects the analysis' encoded points onto spec, "pca" or "dims:I,J" (0-based): layoutReady
  // (empty without an embedding) or failed, then ellipsesReady and markerMoved in the new plane.
  void setProjection(const QString& spec);
  // The active GMM changed: its ellipses in the current plane -> ellipsesReady.
  void updateEllipses();
  // The current latent moved: -> markerMoved, or markerCleared without a plane it fits.
  void track(const std::vector<float>& latent);

  // True when the newest request of every kind has been answered: for tests and benchmarks.
  bool isSettled() const { return m_answered == m_requested; }

 signals:
  void layoutReady(const latentlab::ui::MapLayout& layout);
  void ellipsesReady(const latentlab::ui::MapEllipses& ellipses);
  void markerMoved(QPointF position);
  void markerCleared();
  void failed(const QString& message);  // the plane could not be made; the map keeps its points

 private:
  enum Kind { kLayout, kEllipses, kMarker, kKinds };  // also the worker's slots, run in this order
  struct Plane;                                       // the worker's current Projection

  // Posts work for kind; it returns what to run on the UI thread with the result.
  void post(Kind kind, std::function<std::function<void()>()> work);

  const LatentAnalysis* m_analysis;
  std::vector<float> m_latent;  // the latent last tracked, projected again onto every new plane
  std::array<quint64, kKinds> m_requested{};
  std::array<quint64, kKinds> m_answered{};
  std::shared_ptr<Plane> m_plane;  // touched by the worker's thread only
  // Last: destroyed first, so no job outlives what it uses.
  std::unique_ptr<CoalescingWorker> m_worker;
};

}  // namespace latentlab::ui
