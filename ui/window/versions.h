#pragma once
#include <QString>

namespace latentlab::ui {

// The Help > About text, the same lines as `latentlab-cli --version`
// (core/model/library_versions.h): Qt (as running), LibTorch and its CUDA support, OpenCV,
// QCustomPlot, the BLAS in use and `device`.
QString libraryVersions(const QString& device);

}  // namespace latentlab::ui
