#include "core/model/device.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <cstdlib>
#include <thread>

#include "core/common/error.h"

namespace latentlab {

torch::Device resolve_device(const std::string& name) {
  if (name == "auto")
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::kCPU;
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw InputError("device '" + name + "' asked for, but this LibTorch has no CUDA GPU");
    int index = 0;
    if (name.size() > 4) {
      if (name[4] != ':') throw InputError("unknown device '" + name + "'");
      try {
        index = std::stoi(name.substr(5));
      } catch (const std::exception&) {
        throw InputError("unknown device '" + name + "'");
      }
    }
    if (index < 0 || index >= int(torch::cuda::device_count()))
      throw InputError("device '" + name + "' does not exist");
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw InputError("unknown device '" + name + "' (expected auto, cpu, cuda or cuda:N)");
}

std::string device_name(torch::Device device) { return device.str(); }

void configure_threads(int threads) {
  if (threads <= 0) {
    if (const char* env = std::getenv("LATENTLAB_THREADS")) threads = std::atoi(env);
  }
  if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
}

}  // namespace latentlab
