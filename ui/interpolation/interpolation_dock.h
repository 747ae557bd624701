#pragma once
// The main window's Interpolation dock and its wiring: the model, the current latent for
// "Current", a clicked frame loaded as one undoable edit, Animate feeding the main view, and
// messages. Kept out of MainWindow so the window only creates it.
#include <QObject>

class QAction;
class QDockWidget;

namespace latentlab::ui {

class InterpolationPanel;
class MainWindow;

class InterpolationDock : public QObject {
  Q_OBJECT

 public:
  // Adds the dock to window's bottom area (call before the window restores its saved layout).
  explicit InterpolationDock(MainWindow* window);

  InterpolationPanel* panel() const { return m_panel; }
  QAction* toggleViewAction() const;  // for the View menu

 private:
  InterpolationPanel* m_panel;
  QDockWidget* m_dock;
};

}  // namespace latentlab::ui
