#pragma once
// The one local file of a drag and drop, and what kind of file it is: shared by the window and
// the interpolation endpoints, which send each kind where the user would open it.
#include <QString>

class QMimeData;

namespace latentlab::ui {

// The path of the single local file being dragged, or an empty string (several files, a web
// address, plain text).
QString droppedLocalFile(const QMimeData* mime);

enum class DroppedKind {
  Model,    // anything else: a checkpoint or TorchScript module (the loader says when it is not)
  Image,    // an image extension Qt can read (png, jpg, jpeg, bmp, ...)
  Latent,   // .npy, or JSON that is not a session (core/io/latent_io.h)
  Session,  // JSON with a "latentlab_session" key (core/io/session.h)
};

// Told by the extension, and for .json by the top of the contents: sessions and latent files
// share the extension. A missing file gets the kind its extension suggests, so the message
// comes from the reader of that kind.
DroppedKind droppedFileKind(const QString& path);

}  // namespace latentlab::ui
