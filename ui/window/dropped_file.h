#pragma once
// The one local file of a drag and drop, shared by the window (checkpoints) and the
// interpolation endpoints (images).
#include <QString>

class QMimeData;

namespace latentlab::ui {

// The path of the single local file being dragged, or an empty string (several files, a web
// address, plain text).
QString droppedLocalFile(const QMimeData* mime);

}  // namespace latentlab::ui
