#pragma once
#include <QString>

namespace latentlab::ui {

// "Qt 6.4.2, LibTorch 1.13.1, OpenCV 4.6.0" as compiled against (Qt: as running).
QString libraryVersions();

}  // namespace latentlab::ui
