#pragma once
// The data set images nearest to a latent (core's nearest_neighbours over the encoded points),
// with their thumbnails and captions, found on a worker thread of its own. Only the newest
// search runs (coalescing_worker.h): a slider drag never queues searches behind itself.
#include <QImage>
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

namespace latentlab::ui {

class CoalescingWorker;
class LatentAnalysis;

struct Neighbour {
  int index = -1;         // the point in the analysis
  double distance = 0.0;  // Euclidean, in latent space
  QImage image;           // as the model sees it; null while the data set is not open
  QString caption;        // "#12 · Trouser"
};

class NeighbourSearch : public QObject {
  Q_OBJECT

 public:
  explicit NeighbourSearch(const LatentAnalysis* analysis, QObject* parent = nullptr);
  ~NeighbourSearch() override;

  // The count nearest points of the analysis' current embedding -> found (empty without an
  // embedding or for a latent of another length).
  void search(const std::vector<float>& latent, int count);
  // True when the newest search has been answered: for tests.
  bool isSettled() const { return m_answered == m_requested; }

 signals:
  void found(const std::vector<latentlab::ui::Neighbour>& neighbours);  // nearest first

 private:
  const LatentAnalysis* m_analysis;
  quint64 m_requested = 0;
  quint64 m_answered = 0;
  std::unique_ptr<CoalescingWorker> m_worker;  // last: destroyed first
};

}  // namespace latentlab::ui
