// latentlab-cli bench CKPT [--batch N] [--iterations K] [--pause-ms P] [--device D] [--json]
// Decode (and, for a VAE, encode) latency and throughput of any model, native or TorchScript, so
// anyone can measure their own model on their own machine. --pause-ms idles before each timed
// call, like single slider moves in the GUI: a call after a pause finds cold caches and a core
// that has slowed down, which back-to-back calls never see.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "core/analysis/sampling.h"
#include "core/analysis/statistics.h"
#include "core/common/error.h"
#include "core/model/device.h"

namespace latentlab::cli {
namespace {

constexpr int64_t kMaxBatch = 4096;
constexpr int64_t kMaxIterations = 100000;
constexpr int64_t kMaxPauseMs = 10000;
constexpr uint64_t kSeed = 0;

struct BenchArgs {
  std::string checkpoint, device = "auto";
  int64_t batch = 1;
  int64_t iterations = 50;
  int64_t pause_ms = 0;
  bool json = false;
};

// Times `call` `iterations` times after a warm-up (first calls pay for allocation and lazy
// initialisation), idling pause_ms before each; returns {median_ms, p95_ms, images_per_second}
// (the throughput of the calls themselves, pauses excluded).
nlohmann::json time_calls(const std::function<void()>& call, int64_t iterations, int64_t batch,
                          int64_t pause_ms) {
  using Clock = std::chrono::steady_clock;
  const int64_t warmup = std::max<int64_t>(3, iterations / 10);
  for (int64_t i = 0; i < warmup; ++i) call();
  std::vector<double> ms;
  ms.reserve(size_t(iterations));
  double total = 0.0;
  for (int64_t i = 0; i < iterations; ++i) {
    if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    const auto start = Clock::now();
    call();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    total += ms.back();
  }
  return {{"median_ms", percentile(ms, 0.5)},
          {"p95_ms", percentile(ms, 0.95)},
          {"images_per_second", double(batch * iterations) / (total / 1000.0)}};
}

void print_row(const std::string& what, const nlohmann::json& r) {
  std::cout << std::left << std::setw(8) << what << std::right << std::fixed << std::setprecision(3)
            << "median " << std::setw(10) << r["median_ms"].get<double>() << " ms   p95 "
            << std::setw(10) << r["p95_ms"].get<double>() << " ms   " << std::setprecision(1)
            << std::setw(10) << r["images_per_second"].get<double>() << " images/s\n";
}

void run(const BenchArgs& a) {
  if (a.batch < 1 || a.batch > kMaxBatch)
    throw InputError("--batch must be between 1 and " + std::to_string(kMaxBatch));
  if (a.iterations < 1 || a.iterations > kMaxIterations)
    throw InputError("--iterations must be between 1 and " + std::to_string(kMaxIterations));
  if (a.pause_ms < 0 || a.pause_ms > kMaxPauseMs)
    throw InputError("--pause-ms must be between 0 and " + std::to_string(kMaxPauseMs));
  auto loaded = open_model(a.checkpoint, a.device);
  Model& model = *loaded.model;
  const auto z = latents_from_seed(kSeed, a.batch, model.latent_dim());

  nlohmann::json result = {{"model", loaded.path},
                           {"kind", to_string(model.kind())},
                           {"device", device_name(model.device())},
                           {"threads", torch::get_num_threads()},
                           {"batch", a.batch},
                           {"iterations", a.iterations},
                           {"pause_ms", a.pause_ms}};
  result["decode"] = time_calls([&] { model.decode(z); }, a.iterations, a.batch, a.pause_ms);
  if (model.can_encode()) {
    // Decoded images are inputs of the right shape and range, like the ones users encode.
    const auto images = model.decode(z);
    result["encode"] = time_calls([&] { model.encode(images); }, a.iterations, a.batch, a.pause_ms);
  }

  if (a.json) {
    std::cout << result.dump(2) << std::endl;
    return;
  }
  std::cout << loaded.path << ": " << result["kind"].get<std::string>() << " on "
            << result["device"].get<std::string>() << ", " << result["threads"]
            << " threads, batch " << a.batch << ", " << a.iterations << " iterations";
  if (a.pause_ms > 0) std::cout << ", " << a.pause_ms << " ms idle before each";
  std::cout << "\n";
  print_row("decode", result["decode"]);
  if (result.contains("encode")) print_row("encode", result["encode"]);
}

}  // namespace

void add_bench_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "bench", "Measure decode (and VAE encode) latency median/p95 and throughput of a model");
  auto a = std::make_shared<BenchArgs>();
  verb->add_option("checkpoint", a->checkpoint, "Model file (LatentLab checkpoint or TorchScript)")
      ->required();
  verb->add_option("--batch", a->batch, "Images per call")->default_val(1);
  verb->add_option("--iterations", a->iterations, "Timed calls, after a warm-up")->default_val(50);
  verb->add_option("--pause-ms", a->pause_ms,
                   "Idle this long before each timed call (like single slider moves)")
      ->default_val(0);
  add_device_option(verb, &a->device);
  verb->add_flag("--json", a->json, "Print one JSON object");
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
