#pragma once
// What the main window's helpers (the docks' wiring, image file actions, sessions, the screenshot
// hook) may ask of the window: the model, the latent, edits, messages. MainWindow implements it;
// a helper holds a LatentHost&, never the window, so it cannot reach into the other panels. What
// the window tells the helpers (a new model, the latent moving) it pushes into their slots, wired
// in main_window.cpp.
#include <QImage>
#include <QString>
#include <QStringList>
#include <vector>

#include "ui/window/latent_edit_command.h"
#include "ui/window/model_summary.h"

namespace latentlab::ui {

class LatentHost {
 public:
  // The loaded model (isValid() is false before the first).
  virtual const ModelSummary& model() const = 0;
  // The latent that is rendered: the Latent panel's values + the attributes' offsets.
  virtual std::vector<float> currentLatent() const = 0;
  // The same as the parts an undo step or a session keeps: the base latent and the amounts.
  virtual LatentState latentState() const = 0;
  virtual QStringList attributeNames() const = 0;  // in the order of LatentState::amounts

  // Shows latent as one undoable edit, the attribute amounts going to 0; original: the image it
  // was encoded from, shown beside (null: none).
  virtual void loadLatent(const std::vector<float>& latent, const QString& undoText,
                          const QImage& original) = 0;
  // Shows state, as one undoable edit named undoText (empty: no undo step of its own).
  virtual void loadState(const LatentState& state, const QString& undoText) = 0;
  // Opens a model file in the background (the window's modelChanged or loadFailed follow).
  virtual void openCheckpoint(const QString& path) = 0;

  // An error the user must see (a message box, or the tests' handler).
  virtual void showMessage(const QString& title, const QString& text) = 0;
  // A passing note in the status bar, shown for timeoutMs (kStatusMs for the panels' notes).
  virtual void showStatus(const QString& text, int timeoutMs) = 0;
  static constexpr int kStatusMs = 5000;

 protected:
  ~LatentHost() = default;  // not owned through this interface
};

}  // namespace latentlab::ui
