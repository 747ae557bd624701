#include "ui/render/device_choice.h"

#include "core/model/torch_info.h"

namespace latentlab::ui {

QStringList availableDevices() {
  QStringList devices{QStringLiteral("cpu")};
  for (int i = 0; i < cuda_device_count(); ++i) devices << QStringLiteral("cuda:%1").arg(i);
  return devices;
}

}  // namespace latentlab::ui
