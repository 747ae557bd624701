#include "ui/interpolation/interpolation_dock.h"

#include <QAction>
#include <QDockWidget>

#include "ui/interpolation/interpolation_panel.h"
#include "ui/window/latent_host.h"

namespace latentlab::ui {

InterpolationDock::InterpolationDock(LatentHost& host, QWidget* window) : QObject(window) {
  m_panel = new InterpolationPanel;
  m_dock = new QDockWidget(tr("Interpolation"), window);
  m_dock->setObjectName(QStringLiteral("InterpolationDock"));  // saveState() needs names
  m_dock->setWidget(m_panel);

  connect(m_panel, &InterpolationPanel::frameChosen, this,
          [&host](const std::vector<float>& latent) {
            host.loadLatent(latent, tr("Load interpolation frame"), QImage());
          });
  // Animation frames are shown without undo steps: stopping makes the one edit (frameChosen).
  // No amounts: every attribute goes to 0, as when a frame is loaded.
  connect(m_panel, &InterpolationPanel::animationFrame, this,
          [&host](const std::vector<float>& latent) {
            host.loadState({latent, {}}, QString());
          });
  connect(m_panel, &InterpolationPanel::errorOccurred, this,
          [&host](const QString& title, const QString& text) { host.showMessage(title, text); });
  connect(m_panel, &InterpolationPanel::statusMessage, this,
          [&host](const QString& text) { host.showStatus(text, LatentHost::kStatusMs); });
}

QAction* InterpolationDock::toggleViewAction() const { return m_dock->toggleViewAction(); }

}  // namespace latentlab::ui
