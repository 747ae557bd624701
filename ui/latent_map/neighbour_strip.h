#pragma once
// The Latent map's strip of the data set images nearest to the current latent, with how many to
// show. The search runs on a worker (ui/analysis/neighbour_search.h) a short pause after the
// latent last moved, so a drag costs a few searches, not one per frame.
#include <QWidget>
#include <vector>

class QSpinBox;
class QTimer;

namespace latentlab::ui {

class LatentAnalysis;
class NeighbourSearch;
class ThumbnailList;
struct Neighbour;

class NeighbourStrip : public QWidget {
  Q_OBJECT

 public:
  explicit NeighbourStrip(const LatentAnalysis* analysis, QWidget* parent = nullptr);

  ThumbnailList* list() const { return m_list; }
  // True when no search waits or runs: for tests.
  bool isSettled() const;

 public slots:
  void setCurrentLatent(const std::vector<float>& latent);  // searched after a short pause
  void refresh();                                           // searched now
  void clear();                                             // new points: nothing to show yet

 signals:
  void pointChosen(int index);  // a thumbnail clicked: the analysis' point index

 private:
  void showFound(const std::vector<Neighbour>& found);

  const LatentAnalysis* m_analysis;
  NeighbourSearch* m_search;
  std::vector<float> m_latent;
  std::vector<int> m_indices;  // the points shown, in order
  QSpinBox* m_count;
  ThumbnailList* m_list;
  QTimer* m_timer;
};

}  // namespace latentlab::ui
