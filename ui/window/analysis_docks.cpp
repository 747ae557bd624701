#include "ui/window/analysis_docks.h"

#include <QAction>
#include <QDockWidget>

#include "ui/analysis/latent_analysis.h"
#include "ui/gmm/gmm_panel.h"
#include "ui/latent_map/latent_map_panel.h"
#include "ui/window/latent_host.h"

namespace latentlab::ui {

AnalysisDocks::AnalysisDocks(LatentHost& host, QWidget* window)
    : QObject(window), m_analysis(new LatentAnalysis(this)) {
  m_map = new LatentMapPanel(m_analysis);
  m_mapDock = new QDockWidget(tr("Latent map"), window);
  m_mapDock->setObjectName(QStringLiteral("LatentMapDock"));  // saveState() needs names
  m_mapDock->setWidget(m_map);

  m_gmm = new GmmPanel(m_analysis);
  m_gmmDock = new QDockWidget(tr("GMM"), window);
  m_gmmDock->setObjectName(QStringLiteral("GmmDock"));
  m_gmmDock->setWidget(m_gmm);

  auto load = [&host](const std::vector<float>& latent, const QString& text,
                      const QImage& original) { host.loadLatent(latent, text, original); };
  auto message = [&host](const QString& title, const QString& text) {
    host.showMessage(title, text);
  };
  connect(m_map, &LatentMapPanel::latentRequested, this, load);
  connect(m_gmm, &GmmPanel::latentRequested, this, load);
  connect(m_map, &LatentMapPanel::messageRequested, this, message);
  connect(m_gmm, &GmmPanel::messageRequested, this, message);
  connect(m_analysis, &LatentAnalysis::noticeRequested, this,
          [&host](const QString& text) { host.showStatus(text, 15000); });
}

void AnalysisDocks::setModel(const ModelSummary& model) { m_analysis->setModel(model); }

void AnalysisDocks::setCurrentLatent(const std::vector<float>& latent) {
  m_map->setCurrentLatent(latent);
  m_gmm->setCurrentLatent(latent);
}

QList<QAction*> AnalysisDocks::viewActions() const {
  return {m_mapDock->toggleViewAction(), m_gmmDock->toggleViewAction()};
}

}  // namespace latentlab::ui
