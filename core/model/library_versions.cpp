#include "core/model/library_versions.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <dlfcn.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <climits>
#include <cstdlib>
#include <sstream>

namespace latentlab {

namespace {

// The file a symbol of this process was loaded from, symbolic links (Debian's alternatives)
// resolved; empty when the symbol is not there.
std::string library_defining(const char* symbol, void** address = nullptr) {
  void* found = dlsym(RTLD_DEFAULT, symbol);
  if (address) *address = found;
  Dl_info info{};
  if (!found || !dladdr(found, &info) || !info.dli_fname) return {};
  char resolved[PATH_MAX];
  return realpath(info.dli_fname, resolved) ? std::string(resolved) : std::string(info.dli_fname);
}

std::string openblas_threading(int parallel) {
  switch (parallel) {
    case 0:
      return "sequential";
    case 1:
      return "pthreads";
    case 2:
      return "OpenMP";
    default:
      return "threading " + std::to_string(parallel);
  }
}

}  // namespace

std::string torch_version_text() {
  std::string text = TORCH_VERSION;
  const auto& cuda = at::detail::getCUDAHooks();
  long runtime = 0;
  try {
    runtime = cuda.versionCUDART();  // a LibTorch built without CUDA throws
  } catch (const c10::Error&) {
    return text + " (CPU only)";
  }
  const int gpus = cuda.getNumGPUs();
  text += " (CUDA " + std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10);
  if (gpus == 0) return text + ", no GPU found)";
  return text + ", " + std::to_string(gpus) + (gpus == 1 ? " GPU)" : " GPUs)");
}

std::string blas_text() {
  const std::string sgemm = library_defining("sgemm_");
  if (sgemm.empty()) return "none loaded";
  // OpenBLAS answers these. Debian's OpenBLAS libblas.so.3 forwards to the libopenblas.so.0 in its
  // own folder (openblas-openmp/ or openblas-pthread/); an OpenBLAS from another folder is not the
  // one LibTorch's sgemm_ calls.
  void* config = nullptr;
  void* parallel = nullptr;
  const auto folder = [](const std::string& path) { return path.substr(0, path.rfind('/')); };
  const std::string openblas = library_defining("openblas_get_config", &config);
  if (openblas.empty() || folder(openblas) != folder(sgemm) ||
      library_defining("openblas_get_parallel", &parallel) != openblas)
    return sgemm;
  const char* name = reinterpret_cast<char* (*)()>(config)();
  const int threading = reinterpret_cast<int (*)()>(parallel)();
  return std::string(name) + ", " + openblas_threading(threading) + " (" + sgemm + ")";
}

std::string library_versions_text(const OtherLibraryVersions& others, const std::string& device) {
  std::ostringstream text;
  text << "Qt " << others.qt << "\n"
       << "LibTorch " << torch_version_text() << "\n"
       << "OpenCV " << others.opencv << "\n"
       << "QCustomPlot " << others.qcustomplot << "\n"
       << "BLAS: " << blas_text() << "\n"
       << "Device: " << device;
  if (device == "cpu") {
    const int threads = torch::get_num_threads();
    text << " (" << threads << (threads == 1 ? " thread)" : " threads)");
  }
  return text.str();
}

}  // namespace latentlab
