#pragma once
// The main window's analysis docks, Latent map and GMM, over one shared LatentAnalysis, and their
// wiring to the window: the model, the live current latent, loading a latent, new attributes,
// interpolation endpoints and messages. Kept out of MainWindow so the window only creates it.
#include <QList>
#include <QObject>

class QAction;
class QDockWidget;

namespace latentlab::ui {

class GmmPanel;
class LatentAnalysis;
class LatentMapPanel;
class MainWindow;

class AnalysisDocks : public QObject {
  Q_OBJECT

 public:
  // Adds the docks to window (call before the window restores its saved layout).
  explicit AnalysisDocks(MainWindow* window);

  LatentAnalysis* analysis() const { return m_analysis; }
  LatentMapPanel* map() const { return m_map; }
  GmmPanel* gmm() const { return m_gmm; }
  // Show/hide toggles for the View menu.
  QList<QAction*> viewActions() const;

 private:
  MainWindow* m_window;
  LatentAnalysis* m_analysis;
  LatentMapPanel* m_map;
  GmmPanel* m_gmm;
  QDockWidget* m_mapDock;
  QDockWidget* m_gmmDock;
};

}  // namespace latentlab::ui
