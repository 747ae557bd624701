#include "ui/window/versions.h"

#include <torch/version.h>  // TORCH_VERSION: small, no tensor headers

#include <opencv2/core/version.hpp>  // CV_VERSION: no OpenCV library needed

namespace latentlab::ui {

QString libraryVersions() {
  return QStringLiteral("Qt %1, LibTorch %2, OpenCV %3")
      .arg(QString::fromLatin1(qVersion()), QStringLiteral(TORCH_VERSION),
           QStringLiteral(CV_VERSION));
}

}  // namespace latentlab::ui
