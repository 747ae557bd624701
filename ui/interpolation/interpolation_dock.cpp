#include "ui/interpolation/interpolation_dock.h"

#include <QAction>
#include <QDockWidget>
#include <QStatusBar>

#include "ui/attributes/attribute_panel.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/window/main_window.h"

namespace latentlab::ui {

namespace {
constexpr int kStatusMs = 5000;
}

InterpolationDock::InterpolationDock(MainWindow* window) : QObject(window) {
  m_panel = new InterpolationPanel;
  m_dock = new QDockWidget(tr("Interpolation"), window);
  m_dock->setObjectName(QStringLiteral("InterpolationDock"));  // saveState() needs names
  m_dock->setWidget(m_panel);
  window->addDockWidget(Qt::BottomDockWidgetArea, m_dock);

  m_panel->setCurrentLatentSource([window] { return window->currentLatent(); });
  connect(window, &MainWindow::modelChanged, m_panel,
          [this, window] { m_panel->setModel(window->model()); });
  connect(m_panel, &InterpolationPanel::frameChosen, window,
          [window](const std::vector<float>& latent) {
            window->loadLatent(latent, tr("Load interpolation frame"));
          });
  // Animation frames are shown without undo steps: stopping makes the one edit (frameChosen).
  connect(m_panel, &InterpolationPanel::animationFrame, window,
          [window](const std::vector<float>& latent) {
            window->loadState(
                {latent, std::vector<float>(window->attributePanel()->attributes().size(), 0.0f)},
                QString());
          });
  connect(m_panel, &InterpolationPanel::errorOccurred, window, &MainWindow::showMessage);
  connect(m_panel, &InterpolationPanel::statusMessage, window,
          [window](const QString& text) { window->statusBar()->showMessage(text, kStatusMs); });
}

QAction* InterpolationDock::toggleViewAction() const { return m_dock->toggleViewAction(); }

}  // namespace latentlab::ui
