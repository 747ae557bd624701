#include "ui/window/analysis_docks.h"

#include <QAction>
#include <QDockWidget>

#include "ui/analysis/latent_analysis.h"
#include "ui/attributes/attribute_panel.h"
#include "ui/gmm/gmm_panel.h"
#include "ui/interpolation/interpolation_dock.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/latent_map/latent_map_panel.h"
#include "ui/window/main_window.h"

namespace latentlab::ui {

AnalysisDocks::AnalysisDocks(MainWindow* window)
    : QObject(window), m_window(window), m_analysis(new LatentAnalysis(this)) {
  m_map = new LatentMapPanel(m_analysis);
  m_mapDock = new QDockWidget(tr("Latent map"), window);
  m_mapDock->setObjectName(QStringLiteral("LatentMapDock"));  // saveState() needs names
  m_mapDock->setWidget(m_map);
  window->addDockWidget(Qt::RightDockWidgetArea, m_mapDock);

  m_gmm = new GmmPanel(m_analysis);
  m_gmmDock = new QDockWidget(tr("GMM"), window);
  m_gmmDock->setObjectName(QStringLiteral("GmmDock"));
  m_gmmDock->setWidget(m_gmm);
  window->addDockWidget(Qt::RightDockWidgetArea, m_gmmDock);
  window->tabifyDockWidget(m_mapDock, m_gmmDock);
  m_mapDock->raise();

  connect(window, &MainWindow::modelChanged, this,
          [this] { m_analysis->setModel(m_window->model()); });
  connect(window, &MainWindow::latentChanged, this, [this] {
    const std::vector<float> z = m_window->currentLatent();
    m_map->setCurrentLatent(z);
    m_gmm->setCurrentLatent(z);
  });
  connect(m_map, &LatentMapPanel::latentRequested, window, &MainWindow::loadLatent);
  connect(m_gmm, &GmmPanel::latentRequested, window, &MainWindow::loadLatent);
  connect(m_map, &LatentMapPanel::attributeCreated, window->attributePanel(),
          &AttributePanel::addAttribute);
  connect(m_map, &LatentMapPanel::messageRequested, window, &MainWindow::showMessage);
  connect(m_gmm, &GmmPanel::messageRequested, window, &MainWindow::showMessage);
  // Looked up when used: the window creates its Interpolation dock after this one.
  connect(m_map, &LatentMapPanel::endpointRequested, this,
          [this](int endpoint, const std::vector<float>& latent, const QString& source) {
            m_window->interpolationDock()->panel()->setEndpoint(endpoint, latent, QImage(), source);
          });
}

QList<QAction*> AnalysisDocks::viewActions() const {
  return {m_mapDock->toggleViewAction(), m_gmmDock->toggleViewAction()};
}

}  // namespace latentlab::ui
