// for_each_batch (core/data/batch_workers.h): batches worked on by several threads at once, each
// with one intra-op thread, while the caller sees progress, errors and cancelling in batch order.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "core/common/error.h"
#include "core/data/batch_workers.h"

using namespace latentlab;

namespace {

// Image i is filled with the value i; image `broken` cannot be read. Counts images read.
class NumberedDataset : public Dataset {
 public:
  explicit NumberedDataset(int64_t n, int64_t broken = -1) : n_(n), broken_(broken) {}
  std::string spec() const override { return "numbers"; }
  int64_t size() const override { return n_; }
  ImageShape image_shape() const override { return {1, 2, 2}; }
  torch::Tensor image(int64_t i) const override {
    if (i == broken_) throw DatasetError("numbers #" + std::to_string(i) + ": broken");
    ++read;
    return torch::full({1, 2, 2}, float(i));
  }
  mutable std::atomic<int64_t> read{0};

 private:
  int64_t n_, broken_;
};

BatchWorkOptions options(int64_t batch_size, int workers) {
  BatchWorkOptions o;
  o.batch_size = batch_size;
  o.workers = workers;
  return o;
}

}  // namespace

TEST(BatchWorkers, EveryBatchOnceWithItsImagesAndProgressInOrder) {
  NumberedDataset data(23);
  auto o = options(5, 3);
  std::vector<int64_t> progress;
  o.progress = [&](int64_t done, int64_t total) {
    EXPECT_EQ(total, 23);
    progress.push_back(done);
    return true;
  };
  std::mutex mutex;
  std::set<int64_t> begins;
  std::atomic<bool> caller_worked{false};
  const auto caller = std::this_thread::get_id();
  for_each_batch(data, o, [&](int64_t begin, const torch::Tensor& images) {
    if (std::this_thread::get_id() == caller) caller_worked = true;
    EXPECT_EQ(torch::get_num_threads(), 1);
    const int64_t n = std::min<int64_t>(5, 23 - begin);
    ASSERT_EQ(images.sizes(), (torch::IntArrayRef{n, 1, 2, 2}));
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(images[i][0][1][1].item<float>(), float(begin + i));
    std::lock_guard<std::mutex> lock(mutex);
    EXPECT_TRUE(begins.insert(begin).second) << "batch " << begin << " twice";
  });
  EXPECT_EQ(begins, (std::set<int64_t>{0, 5, 10, 15, 20}));
  EXPECT_EQ(progress, (std::vector<int64_t>{5, 10, 15, 20, 23}));
  EXPECT_FALSE(caller_worked.load());
  EXPECT_EQ(data.read.load(), 23);
}

TEST(BatchWorkers, WorkersRunAtTheSameTime) {
  // Two batches that each wait for the other to start: only two concurrent workers finish.
  NumberedDataset data(4);
  std::mutex mutex;
  std::condition_variable both;
  int inside = 0;
  bool met = true;
  for_each_batch(data, options(2, 2), [&](int64_t, const torch::Tensor&) {
    std::unique_lock<std::mutex> lock(mutex);
    ++inside;
    both.notify_all();
    if (!both.wait_for(lock, std::chrono::seconds(10), [&] { return inside >= 2; })) met = false;
  });
  EXPECT_TRUE(met);
}

TEST(BatchWorkers, ReadsAtMostAWindowBeyondWhatWasReported) {
  NumberedDataset data(60);
  auto o = options(5, 2);
  o.window = 3;
  o.progress = [&](int64_t done, int64_t) {
    EXPECT_LE(data.read.load(), done + 3 * 5);
    return true;
  };
  // The first batch is slow: meanwhile the other worker reads batches 1 and 2 and then waits
  // (nothing is reported while batch 0 runs).
  int64_t read_while_first_ran = -1;
  for_each_batch(data, o, [&](int64_t begin, const torch::Tensor&) {
    if (begin != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    read_while_first_ran = data.read.load();
  });
  EXPECT_EQ(read_while_first_ran, 3 * 5);
  EXPECT_EQ(data.read.load(), 60);
}

TEST(BatchWorkers, AnErrorComesAfterTheBatchesBeforeItAsInTheSequentialLoop) {
  for (int workers : {1, 2, 4}) {
    NumberedDataset data(40, /*broken=*/22);
    auto o = options(5, workers);
    std::vector<int64_t> seen;
    o.progress = [&](int64_t done, int64_t) {
      seen.push_back(done);
      return true;
    };
    try {
      for_each_batch(data, o, [](int64_t, const torch::Tensor&) {});
      ADD_FAILURE() << "no error";
    } catch (const DatasetError& e) {
      EXPECT_EQ(std::string(e.what()),
                "numbers: 1 image(s) cannot be decoded: numbers #22: broken");
    }
    EXPECT_EQ(seen, (std::vector<int64_t>{5, 10, 15, 20})) << workers << " workers";
  }
  // What work throws is passed on the same way, in order.
  NumberedDataset data(20);
  std::vector<int64_t> seen;
  auto o = options(5, 3);
  o.progress = [&](int64_t done, int64_t) {
    seen.push_back(done);
    return true;
  };
  EXPECT_THROW(for_each_batch(data, o,
                              [](int64_t begin, const torch::Tensor&) {
                                if (begin == 10) throw InputError("cannot encode");
                              }),
               InputError);
  EXPECT_EQ(seen, (std::vector<int64_t>{5, 10}));
}

TEST(BatchWorkers, CancellingStopsTheWorkersAfterTheirBatch) {
  NumberedDataset data(500);
  auto o = options(5, 2);
  std::atomic<int> running{0};
  o.progress = [&](int64_t done, int64_t) { return done < 15; };
  EXPECT_THROW(for_each_batch(data, o,
                              [&](int64_t, const torch::Tensor&) {
                                ++running;
                                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                                --running;
                              }),
               Cancelled);
  // Returned: every worker has finished, having read at most a window past batch 15.
  EXPECT_EQ(running.load(), 0);
  const int64_t read = data.read.load();
  EXPECT_LE(read, 15 + 3 * 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(data.read.load(), read);
}

TEST(BatchWorkers, EmptyDataAndBadOptions) {
  NumberedDataset empty(0);
  int calls = 0;
  for_each_batch(empty, options(4, 2), [&](int64_t, const torch::Tensor&) { ++calls; });
  EXPECT_EQ(calls, 0);
  EXPECT_THROW(for_each_batch(empty, options(0, 2), [](int64_t, const torch::Tensor&) {}),
               InputError);
  EXPECT_THROW(for_each_batch(empty, options(4, 0), [](int64_t, const torch::Tensor&) {}),
               InputError);
}
