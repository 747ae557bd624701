#include "core/data/batch_workers.h"

#include <torch/torch.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/common/error.h"

namespace latentlab {
namespace {

// What the workers and the calling thread share; every field is guarded by mutex.
struct Shared {
  std::mutex mutex;
  std::condition_variable changed;
  int64_t next = 0;      // the next batch a worker may take
  int64_t reported = 0;  // batches reported to the caller, in order
  bool stop = false;     // take no more batches
  std::vector<char> done;
  std::vector<std::exception_ptr> errors;
};

// Stops the workers and waits for them, however the calling thread leaves.
struct Joiner {
  Shared& shared;
  std::vector<std::thread> threads;
  ~Joiner() {
    {
      std::lock_guard<std::mutex> lock(shared.mutex);
      shared.stop = true;
    }
    shared.changed.notify_all();
    for (auto& t : threads) t.join();
  }
};

}  // namespace

void for_each_batch(const Dataset& data, const BatchWorkOptions& options,
                    const std::function<void(int64_t begin, const torch::Tensor& images)>& work) {
  if (options.batch_size < 1 || options.workers < 1 || options.window < 0)
    throw InputError("batch workers: batch size and workers must be >= 1, the window >= 0");
  const int64_t total = data.size(), size = options.batch_size;
  const int64_t count = (total + size - 1) / size;
  const int64_t window =
      std::max<int64_t>(options.workers, options.window > 0 ? options.window : options.workers + 1);
  Shared shared;
  shared.done.assign(size_t(count), 0);
  shared.errors.resize(size_t(count));

  const auto worker = [&] {
    torch::set_num_threads(1);  // one intra-op thread each: the workers are the parallelism
    for (;;) {
      int64_t k = 0;
      {
        std::unique_lock<std::mutex> lock(shared.mutex);
        shared.changed.wait(lock, [&] {
          return shared.stop || shared.next >= count || shared.next < shared.reported + window;
        });
        if (shared.stop || shared.next >= count) return;
        k = shared.next++;
      }
      std::exception_ptr error;
      try {
        const int64_t begin = k * size;
        work(begin, data.images(begin, std::min(total, begin + size)));
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(shared.mutex);
        shared.done[size_t(k)] = 1;
        shared.errors[size_t(k)] = error;
        if (error) shared.stop = true;  // the batches before this one are taken: they finish
      }
      shared.changed.notify_all();
    }
  };

  Joiner joiner{shared, {}};
  const int workers = int(std::min<int64_t>(options.workers, std::max<int64_t>(count, 1)));
  for (int i = 0; i < workers; ++i) joiner.threads.emplace_back(worker);

  std::unique_lock<std::mutex> lock(shared.mutex);
  while (shared.reported < count) {
    const auto k = size_t(shared.reported);
    shared.changed.wait(lock, [&] { return shared.done[k] != 0; });
    if (shared.errors[k]) std::rethrow_exception(shared.errors[k]);
    ++shared.reported;
    lock.unlock();
    shared.changed.notify_all();                                   // the window moved on
    const int64_t done = std::min(total, shared.reported * size);  // only this thread writes it
    if (options.progress && !options.progress(done, total)) throw Cancelled();
    lock.lock();
  }
}

}  // namespace latentlab
