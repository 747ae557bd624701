// The parts of the data set interface that need LibTorch alone (a custom Dataset can be used for
// training on a machine built with LATENTLAB_CORE_ONLY); the loaders are in dataset_spec.cpp.
#include "core/data/dataset.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "core/common/error.h"

namespace latentlab {
namespace {

constexpr int64_t kDecodeGrain = 4;          // decoding one image takes 0.05-2 ms
constexpr int64_t kFirstChunk = 512;         // images between the first progress calls
constexpr double kQuickChunkSeconds = 0.05;  // chunks faster than this grow
constexpr size_t kMaxFailuresNamed = 5;      // in one message

std::string join_failures(const std::vector<std::string>& failures) {
  std::string text;
  for (size_t i = 0; i < failures.size() && i < kMaxFailuresNamed; ++i)
    text += (i ? "; " : "") + failures[i];
  if (failures.size() > kMaxFailuresNamed)
    text += "; and " + std::to_string(failures.size() - kMaxFailuresNamed) + " more";
  return text;
}

}  // namespace

void Dataset::read_images(int64_t begin, torch::Tensor out) const {
  const int64_t end = begin + out.size(0);
  std::mutex mutex;
  std::vector<std::pair<int64_t, std::string>> failures;
  at::parallel_for(begin, end, kDecodeGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      try {
        out[i - begin].copy_(image(i));
      } catch (const std::exception& error) {
        std::lock_guard<std::mutex> lock(mutex);
        failures.emplace_back(i, error.what());
      }
    }
  });
  if (!failures.empty()) {
    std::sort(failures.begin(), failures.end());
    std::vector<std::string> messages;
    for (auto& failure : failures) messages.push_back(std::move(failure.second));
    throw DatasetError(spec() + ": " + std::to_string(messages.size()) +
                       " image(s) cannot be decoded: " + join_failures(messages));
  }
}

torch::Tensor Dataset::images(int64_t begin, int64_t end) const {
  if (begin < 0 || end > size() || begin > end)
    throw InputError("image range [" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") is outside " + spec() + " (" + std::to_string(size()) + " images)");
  const ImageShape shape = image_shape();
  auto out = torch::empty({end - begin, shape.channels, shape.height, shape.width});
  read_images(begin, out);
  return out;
}

torch::Tensor load_all_images(const Dataset& data,
                              const std::function<bool(int64_t, int64_t)>& progress) {
  const int64_t total = data.size();
  const ImageShape shape = data.image_shape();
  if (progress && !progress(0, total)) throw Cancelled();
  auto out = torch::empty({total, shape.channels, shape.height, shape.width});
  // Chunks that finish quickly double in size: in-memory sources (IDX) then take a few large
  // tensor operations rather than hundreds of small parallel ones (each parallel region can
  // cost a scheduler time slice on a busy machine), while slow decoders keep calling progress.
  // Every chunk is decoded even after a failure, so one error names every bad image.
  std::vector<std::string> failures;
  int64_t chunk = kFirstChunk;
  for (int64_t begin = 0; begin < total;) {
    const int64_t end = std::min(total, begin + chunk);
    const auto start = std::chrono::steady_clock::now();
    try {
      data.read_images(begin, out.slice(0, begin, end));
    } catch (const DatasetError& error) {
      failures.push_back(error.what());
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (took.count() < kQuickChunkSeconds) chunk *= 2;
    begin = end;
    if (progress && !progress(end, total)) throw Cancelled();
  }
  if (!failures.empty()) throw DatasetError(join_failures(failures));
  return out;
}

torch::Tensor load_all_labels(const Dataset& data) {
  const int64_t total = data.size();
  auto labels = torch::empty({total}, torch::kInt64);
  auto* out = labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < total; ++i) out[i] = data.label(i);
  return labels;
}

torch::Tensor load_all_attributes(const Dataset& data) {
  const int64_t total = data.size();
  const auto columns = int64_t(data.attribute_names().size());
  auto attributes = torch::empty({total, columns}, torch::kInt8);
  auto* out = attributes.data_ptr<int8_t>();
  for (int64_t i = 0; i < total && columns; ++i) {
    const auto row = data.attributes(i);
    if (int64_t(row.size()) != columns)
      throw DatasetError(data.item_name(i) + ": has " + std::to_string(row.size()) +
                         " attributes where " + std::to_string(columns) + " were expected");
    std::copy(row.begin(), row.end(), out + i * columns);
  }
  return attributes;
}

}  // namespace latentlab
