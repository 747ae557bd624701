#pragma once
// What LatentLab runs on, as one text for Help > About and `latentlab-cli --version`, so that the
// two never disagree. LibTorch, its CUDA support and the BLAS are queried here, where LibTorch is
// linked; Qt, OpenCV and QCustomPlot are named by the caller (core/model links none of them).
// This header includes no LibTorch: widget folders may use it.
#include <string>

namespace latentlab {

struct OtherLibraryVersions {
  std::string qt;
  std::string opencv;
  std::string qcustomplot;
};

// "1.13.0 (CPU only)", "2.1.0 (CUDA 12.1, 2 GPUs)" or "2.1.0 (CUDA 12.1, no GPU found)".
std::string torch_version_text();

// The BLAS that LibTorch's matrix products call in this process: the library that defines sgemm_,
// with OpenBLAS's own configuration and threading when it is OpenBLAS (the library beside it), e.g.
// "OpenBLAS 0.3.21 NO_AFFINITY Haswell MAX_THREADS=64, OpenMP
// (/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3)". Debian picks the library through the
// libblas.so.3 alternative, so only the running process knows which one it got.
std::string blas_text();

// One line each: "Qt 6.4.2", "LibTorch ...", "OpenCV 4.6.0", "QCustomPlot 2.1.0", "BLAS: ...",
// "Device: cpu (2 threads)". `device` is a device name ("cpu", "cuda:0", "auto").
std::string library_versions_text(const OtherLibraryVersions& others, const std::string& device);

}  // namespace latentlab
