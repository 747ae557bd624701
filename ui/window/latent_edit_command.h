#pragma once
// One undoable latent edit (a slider drag, a typed value, Randomise, Reset): the state before
// and after, applied back through a callback so the command knows no widgets.
#include <QUndoCommand>
#include <functional>
#include <vector>

namespace latentlab::ui {

struct LatentState {
  std::vector<float> latent;   // the base latent of the Latent panel
  std::vector<float> amounts;  // the attribute amounts
  bool operator==(const LatentState& o) const { return latent == o.latent && amounts == o.amounts; }
  bool operator!=(const LatentState& o) const { return !(*this == o); }
};

class LatentEditCommand : public QUndoCommand {
 public:
  using Apply = std::function<void(const LatentState&)>;

  // The edit has already happened on screen: the first redo() (QUndoStack::push) does nothing.
  LatentEditCommand(Apply apply, LatentState before, LatentState after, const QString& text);

  void undo() override { m_apply(m_before); }
  void redo() override;

 private:
  Apply m_apply;
  LatentState m_before;
  LatentState m_after;
  bool m_applied = true;
};

}  // namespace latentlab::ui
