#include "core/model/device.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

void tune_allocator() {
#if defined(__GLIBC__)
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.")) return;
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value on 64-bit
#endif
}

}  // namespace latentlab
