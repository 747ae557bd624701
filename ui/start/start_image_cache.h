#pragma once
// The last image the main window showed for each checkpoint, kept in the user's cache folder
// (~/.cache/LatentLab/latentlab/start-images) so that the next start can show it before the
// model, or even LibTorch, has loaded.
#include <QImage>
#include <QString>

namespace latentlab::ui {

// Where the image for this checkpoint lives: one PNG per checkpoint file (its canonical path,
// links resolved; the absolute path while it does not exist).
QString startImagePath(const QString& checkpoint);

// Null when there is none or it cannot be read.
QImage loadStartImage(const QString& checkpoint);

// Written atomically; false (and nothing changed) when it cannot be.
bool saveStartImage(const QString& checkpoint, const QImage& image);

}  // namespace latentlab::ui
