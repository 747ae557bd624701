#include "ui/window/latent_edit_command.h"

namespace latentlab::ui {

LatentEditCommand::LatentEditCommand(Apply apply, LatentState before, LatentState after,
                                     const QString& text)
    : QUndoCommand(text),
      m_apply(std::move(apply)),
      m_before(std::move(before)),
      m_after(std::move(after)) {}

void LatentEditCommand::redo() {
  if (m_applied) {
    m_applied = false;
    return;
  }
  m_apply(m_after);
}

}  // namespace latentlab::ui
