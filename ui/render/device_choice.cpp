#include "ui/render/device_choice.h"

#include <torch/cuda.h>

namespace latentlab::ui {

QStringList availableDevices() {
  QStringList devices{QStringLiteral("cpu")};
  if (torch::cuda::is_available())
    for (size_t i = 0; i < torch::cuda::device_count(); ++i)
      devices << QStringLiteral("cuda:%1").arg(i);
  return devices;
}

}  // namespace latentlab::ui
