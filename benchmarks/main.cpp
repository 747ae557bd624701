// latentlab_benchmarks: the Google Benchmark suite (not part of CTest). benchmarks/run.sh runs it
// alternating with benchmarks/pytorch_reference.py and writes docs/performance.md.
// Threads: LATENTLAB_THREADS, as for the applications (default: every core). Device:
// LATENTLAB_BENCH_DEVICE (default cpu; e.g. cuda on a GPU machine's core-only build).
// LATENTLAB_BENCH_SCRIPTS: a folder of TorchScript files script-*.pt (benchmarks/script_modules.py
// writes the bundled models there), timed through load_model like a user's own PyTorch model.
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "benchmarks/suite.h"
#include "core/common/allocator_tuning.h"
#include "core/model/device.h"
#include "core/model/gan_model.h"

namespace {

namespace fs = std::filesystem;
using namespace latentlab;

// The bundled models, measured when present.
constexpr const char* kModels[] = {"fashion-vae", "faces-vae", "faces-dcgan"};
constexpr const char* kAnalysisModel = "fashion-vae";

// Without a bundled GAN, training is measured on the DCGAN `latentlab-cli train gan` builds for
// the faces (3x64x64, widths 64, latent 100).
ModelInfo default_face_gan() {
  ModelInfo info;
  const auto spec = architecture_spec(DcganOptions{{3, 64, 64}});
  info.kind = ModelKind::Gan;
  info.hyper_parameters = spec.hyper_parameters;
  info.latent_dim = spec.latent_dim;
  info.image_shape = spec.image_shape;
  info.output_range = spec.output_range;
  return info;
}

// The TorchScript files script-*.pt in `folder`, by name.
std::set<fs::path> script_files(const std::string& folder) {
  std::set<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("script-", 0) == 0 && entry.path().extension() == ".pt")
      files.insert(entry.path());
  }
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator();  // as the applications do
  configure_threads();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const char* chosen = std::getenv("LATENTLAB_BENCH_DEVICE");
  const std::string device = chosen && *chosen ? chosen : "cpu";
  bench::register_sgemm_benchmark();
  bool have_gan = false;
  for (const char* name : kModels) {
    const auto path = fs::path(LATENTLAB_MODELS_DIR) / (std::string(name) + ".llckpt");
    if (!fs::exists(path)) {
      std::cerr << "skipped " << name << ": " << path.string() << " does not exist\n";
      continue;
    }
    auto loaded = std::make_shared<LoadedModel>(load_model(path.string(), device));
    bench::register_inference_benchmarks(name, loaded);
    bench::register_training_benchmark(name, loaded->info, device);
    have_gan = have_gan || loaded->info.kind == ModelKind::Gan;
  }
  if (!have_gan) bench::register_training_benchmark("dcgan-3x64x64", default_face_gan(), device);
  const char* scripts = std::getenv("LATENTLAB_BENCH_SCRIPTS");
  for (const auto& path : scripts&&* scripts ? script_files(scripts) : std::set<fs::path>{})
    bench::register_inference_benchmarks(
        path.stem().string(), std::make_shared<LoadedModel>(load_model(path.string(), device)));
#ifdef LATENTLAB_ANALYSIS_BENCHMARKS
  const auto analysis = fs::path(LATENTLAB_MODELS_DIR) / (std::string(kAnalysisModel) + ".llckpt");
  if (fs::exists(analysis)) bench::register_analysis_benchmarks(analysis.string());
#endif

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
