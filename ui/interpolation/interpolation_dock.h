#pragma once
// The main window's Interpolation dock and what its panel asks of the window: a clicked frame
// loaded as one undoable edit, Animate feeding the main view, messages. The window adds dock() to
// its bottom area and pushes the model and the current latent into panel()'s slots.
#include <QObject>

class QAction;
class QDockWidget;
class QWidget;

namespace latentlab::ui {

class InterpolationPanel;
class LatentHost;

class InterpolationDock : public QObject {
  Q_OBJECT

 public:
  // window: the dock's parent (its QObject parent too).
  InterpolationDock(LatentHost& host, QWidget* window);

  InterpolationPanel* panel() const { return m_panel; }
  QDockWidget* dock() const { return m_dock; }
  QAction* toggleViewAction() const;  // for the View menu

 private:
  InterpolationPanel* m_panel;
  QDockWidget* m_dock;
};

}  // namespace latentlab::ui
