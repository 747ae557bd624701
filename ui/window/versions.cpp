#include "ui/window/versions.h"

#include <opencv2/core/version.hpp>  // CV_VERSION: no OpenCV library needed

#include "core/model/torch_info.h"

namespace latentlab::ui {

QString libraryVersions() {
  return QStringLiteral("Qt %1, LibTorch %2, OpenCV %3")
      .arg(QString::fromLatin1(qVersion()), QString::fromStdString(torch_version()),
           QStringLiteral(CV_VERSION));
}

}  // namespace latentlab::ui
