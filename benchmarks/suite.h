#pragma once
// The benchmark suite's parts, registered at start-up from what is on disk: a bundled model that
// is missing is skipped. Names are what benchmarks/report.py reads:
//   decode/MODEL/batch:N  encode/MODEL/batch:N  strip/MODEL/frames:N  train/MODEL/batch:B/steps:S
//   sgemm/n:N  embed/SPEC/cold|cached  gmm/latents:N  pca/latents:N
// Latency benchmarks run one call per repetition and report the median and p95 of the calls.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "core/model/model_file.h"

namespace latentlab::bench {

// One call per repetition, `repetitions` of them after a warm-up, reported as aggregates only
// (mean, median, stddev, cv and p95), in milliseconds of wall-clock time.
benchmark::internal::Benchmark* per_call(benchmark::internal::Benchmark* b, int repetitions);

// Decode latency at batch 1 and 10, the 10-frame interpolation strip and (VAE) encode throughput
// at batch 256 of a loaded model.
void register_inference_benchmarks(const std::string& name, std::shared_ptr<LoadedModel> model);

// Training images/s: a few steps of core's trainer on random images of the model's shape, with
// the model's architecture (hyper-parameters from its info).
void register_training_benchmark(const std::string& name, const ModelInfo& info,
                                 const std::string& device);

// The machine's matrix-multiply rate (at::mm of two n x n float32 matrices), the compute limit.
void register_sgemm_benchmark();

// Issue 4's analysis figures on Fashion-MNIST with the fashion VAE at `checkpoint`: encoding the
// data set for the scatter (cold and from a cache in a temporary folder), GMM fit and PCA on the
// training latents.
void register_analysis_benchmarks(const std::string& checkpoint);

}  // namespace latentlab::bench
