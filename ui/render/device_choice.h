#pragma once
// The devices this LibTorch can run models on, for Model > Device. No LibTorch in this header.
#include <QStringList>

namespace latentlab::ui {

// "cpu", then "cuda:0", "cuda:1", … when LibTorch has CUDA and sees GPUs.
QStringList availableDevices();

}  // namespace latentlab::ui
