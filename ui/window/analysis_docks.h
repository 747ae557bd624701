#pragma once
// The main window's analysis docks, Latent map and GMM, over one shared LatentAnalysis, and what
// their panels ask of the window: loading a latent, messages. The window adds mapDock() and
// gmmDock(), pushes the model and the live latent into the slots, and wires the map's new
// attributes and interpolation endpoints to the panels that take them (map()'s signals).
#include <QList>
#include <QObject>
#include <vector>

class QAction;
class QDockWidget;
class QWidget;

namespace latentlab::ui {

class GmmPanel;
class LatentAnalysis;
class LatentHost;
class LatentMapPanel;
struct ModelSummary;

class AnalysisDocks : public QObject {
  Q_OBJECT

 public:
  // window: the docks' parent (its QObject parent too).
  AnalysisDocks(LatentHost& host, QWidget* window);

  LatentAnalysis* analysis() const { return m_analysis; }
  LatentMapPanel* map() const { return m_map; }
  GmmPanel* gmm() const { return m_gmm; }
  QDockWidget* mapDock() const { return m_mapDock; }
  QDockWidget* gmmDock() const { return m_gmmDock; }
  // Show/hide toggles for the View menu.
  QList<QAction*> viewActions() const;

 public slots:
  void setModel(const latentlab::ui::ModelSummary& model);
  void setCurrentLatent(const std::vector<float>& latent);

 private:
  LatentAnalysis* m_analysis;
  LatentMapPanel* m_map;
  GmmPanel* m_gmm;
  QDockWidget* m_mapDock;
  QDockWidget* m_gmmDock;
};

}  // namespace latentlab::ui
