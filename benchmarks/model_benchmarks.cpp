// Inference, training and sgemm benchmarks: what benchmarks/pytorch_reference.py times for the
// same models in PyTorch (keep the constants below in step with it).
#include <ATen/ATen.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "benchmarks/suite.h"
#include "core/analysis/interpolation.h"
#include "core/analysis/sampling.h"
#include "core/analysis/statistics.h"
#include "core/model/pixels.h"
#include "core/training/trainer.h"

namespace latentlab::bench {
namespace {

constexpr int64_t kDecodeBatches[] = {1, 10};
constexpr int kDecodeRepetitions[] = {100, 50};
constexpr int64_t kEncodeBatch = 256;
constexpr int kEncodeRepetitions = 10;
constexpr int64_t kStripFrames = 10;
constexpr int kStripRepetitions = 30;
constexpr int kWarmUpCalls = 3;
// Training: the bundled models' batch size for a VAE, DCGAN's usual 64 for a GAN; one warm-up
// step, then the timed steps (fewer for the slow 64x64 models).
constexpr int64_t kVaeTrainBatch = 128;
constexpr int64_t kGanTrainBatch = 64;
constexpr int64_t kTrainStepsSmall = 10;  // up to 32x32 images
constexpr int64_t kTrainStepsLarge = 3;
constexpr int64_t kSgemmSize = 1024;

double p95(const std::vector<double>& values) { return percentile(values, 0.95); }

// Runs `call` once per repetition; the first repetition warms up untimed (allocations, lazy
// initialisation, OpenMP threads).
template <class Call>
void register_per_call(const std::string& name, int repetitions, Call call) {
  auto warmed = std::make_shared<bool>(false);
  per_call(benchmark::RegisterBenchmark(name.c_str(),
                                        [call, warmed](benchmark::State& state) {
                                          if (!*warmed) {
                                            for (int i = 0; i < kWarmUpCalls; ++i) call();
                                            *warmed = true;
                                          }
                                          for (auto _ : state) call();
                                        }),
           repetitions);
}

TrainOptions train_options_for(const ModelInfo& info) {
  TrainOptions o;
  o.kind = info.kind;
  o.epochs = 1;
  o.latent_dim = info.latent_dim;
  o.output_range = info.output_range;
  const auto& hp = info.hyper_parameters;
  if (info.kind == ModelKind::Vae) {
    o.batch_size = kVaeTrainBatch;
    o.channels = hp.at("channels").get<std::vector<int64_t>>();
    o.hidden = hp.at("hidden").get<int64_t>();
    o.batch_norm = hp.at("batch_norm").get<bool>();
    o.likelihood = parse_likelihood(hp.value("likelihood", "bernoulli"));
  } else {
    o.batch_size = kGanTrainBatch;
    o.generator_width = hp.at("generator_width").get<int64_t>();
    o.discriminator_width = hp.at("discriminator_width").get<int64_t>();
  }
  return o;
}

}  // namespace

benchmark::internal::Benchmark* per_call(benchmark::internal::Benchmark* b, int repetitions) {
  return b->Iterations(1)
      ->Repetitions(repetitions)
      ->ReportAggregatesOnly(true)
      ->ComputeStatistics("p95", p95)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

void register_inference_benchmarks(const std::string& name, std::shared_ptr<LoadedModel> loaded) {
  Model& model = *loaded->model;
  const int64_t dim = model.latent_dim();
  for (size_t i = 0; i < std::size(kDecodeBatches); ++i) {
    const int64_t batch = kDecodeBatches[i];
    const auto z = latents_from_seed(/*seed=*/0, batch, dim);
    register_per_call("decode/" + name + "/batch:" + std::to_string(batch), kDecodeRepetitions[i],
                      [loaded, z] { benchmark::DoNotOptimize(loaded->model->decode(z)); });
  }

  // What the interpolation panel shows: slerp between two latents, decoded in one batch, each
  // frame converted to 8-bit pixels.
  const auto ends = latents_from_seed(/*seed=*/1, 2, dim);
  register_per_call("strip/" + name + "/frames:" + std::to_string(kStripFrames), kStripRepetitions,
                    [loaded, ends] {
                      const auto z = interpolate_path({ends[0], ends[1]}, kStripFrames,
                                                      InterpolationMethod::Spherical);
                      const auto frames = loaded->model->decode(z);
                      const auto range = loaded->model->output_range();
                      for (int64_t f = 0; f < frames.size(0); ++f)
                        benchmark::DoNotOptimize(to_uint8_hwc(frames[f], range));
                    });

  if (model.can_encode()) {
    const auto images = model.decode(latents_from_seed(/*seed=*/2, kEncodeBatch, dim));
    register_per_call(
        "encode/" + name + "/batch:" + std::to_string(kEncodeBatch), kEncodeRepetitions,
        [loaded, images] { benchmark::DoNotOptimize(loaded->model->encode(images).mean); });
  }
}

void register_training_benchmark(const std::string& name, const ModelInfo& info,
                                 const std::string& device) {
  TrainOptions options = train_options_for(info);
  options.device = device;
  const auto& s = info.image_shape;
  const int64_t timed_steps = s.height * s.width > 32 * 32 ? kTrainStepsLarge : kTrainStepsSmall;
  const int64_t steps = timed_steps + 1;
  const auto bench_name = "train/" + name + "/batch:" + std::to_string(options.batch_size) +
                          "/steps:" + std::to_string(timed_steps);
  benchmark::RegisterBenchmark(
      bench_name.c_str(),
      [options, steps, s](benchmark::State& state) mutable {
        using Clock = std::chrono::steady_clock;
        const auto& r = *options.output_range;
        torch::manual_seed(0);
        const auto images =
            torch::rand({options.batch_size * steps, s.channels, s.height, s.width}) *
                (r.hi - r.lo) +
            r.lo;
        options.out = (std::filesystem::temp_directory_path() /
                       ("latentlab-bench-train-" + std::to_string(::getpid()) + ".llckpt"))
                          .string();
        double seconds = 0.0;
        for (auto _ : state) {
          // From the end of the first step (the warm-up) to the end of the last; the checkpoint
          // written after the epoch is not part of it.
          Clock::time_point first, last;
          options.progress = [&](const TrainProgress& p) {
            if (p.epoch_done) return;
            if (p.step == 1) first = Clock::now();
            if (p.step == steps) last = Clock::now();
          };
          train(images, options);
          const double elapsed = std::chrono::duration<double>(last - first).count();
          state.SetIterationTime(elapsed);
          seconds += elapsed;
        }
        std::filesystem::remove(options.out);
        state.counters["images_per_second"] =
            double(state.iterations() * (steps - 1) * options.batch_size) / seconds;
      })
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

void register_sgemm_benchmark() {
  const auto name = "sgemm/n:" + std::to_string(kSgemmSize);
  benchmark::RegisterBenchmark(name.c_str(),
                               [](benchmark::State& state) {
                                 torch::manual_seed(0);
                                 const auto a = torch::randn({kSgemmSize, kSgemmSize});
                                 const auto b = torch::randn({kSgemmSize, kSgemmSize});
                                 auto c = torch::empty({kSgemmSize, kSgemmSize});
                                 at::mm_out(c, a, b);  // warm-up
                                 for (auto _ : state) at::mm_out(c, a, b);
                                 state.counters["GFLOP/s"] = benchmark::Counter(
                                     2.0 * double(kSgemmSize * kSgemmSize * kSgemmSize) * 1e-9,
                                     benchmark::Counter::kIsIterationInvariantRate);
                               })
      ->Repetitions(5)
      ->ReportAggregatesOnly(true)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace latentlab::bench
