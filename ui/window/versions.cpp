#include "ui/window/versions.h"

#include <opencv2/core/version.hpp>  // CV_VERSION: no OpenCV library needed

#include "core/model/library_versions.h"

namespace latentlab::ui {

QString libraryVersions(const QString& device) {
  // LATENTLAB_QCUSTOMPLOT_VERSION comes from CMake: only the scatter view includes qcustomplot.h.
  const OtherLibraryVersions others{qVersion(), CV_VERSION, LATENTLAB_QCUSTOMPLOT_VERSION};
  return QString::fromStdString(library_versions_text(others, device.toStdString()));
}

}  // namespace latentlab::ui
