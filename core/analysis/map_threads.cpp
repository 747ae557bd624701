// parallel_rows (map_support.h) on a small pool of plain threads.
//
// Why a pool and not a thread per call: on a shared CPU a new thread may wait a whole time slice
// before it first runs, and t-SNE makes thousands of parallel calls. Here the caller works on
// the rows itself and waits only for helpers that have actually started on them; a helper the
// OS wakes late finds the job closed and goes back to sleep.
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/analysis/map_support.h"

namespace latentlab {
namespace {

using RowFunction = std::function<void(int64_t, int64_t)>;

thread_local bool in_parallel_rows = false;  // nested calls run inline

class RowPool {
 public:
  static RowPool& instance() {
    static RowPool pool;
    return pool;
  }

  ~RowPool() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  // Runs the job with up to `helpers` pool threads besides the caller; false when another job
  // holds the pool (the caller then runs the rows itself).
  bool run(int64_t n, int64_t chunk, int64_t helpers, const RowFunction& fn) {
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      while (int64_t(threads_.size()) < helpers) threads_.emplace_back([this] { serve(); });
      fn_ = &fn;
      n_ = n;
      chunk_ = chunk;
      next_ = 0;
      error_ = nullptr;
      wanted_ = helpers;
      joined_ = 0;
      active_ = 0;
      open_ = true;
      ++generation_;
    }
    wake_.notify_all();
    work();
    std::unique_lock<std::mutex> lock(mutex_);
    open_ = false;
    done_.wait(lock, [this] { return active_ == 0; });
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
    return true;
  }

 private:
  void work() {
    in_parallel_rows = true;
    try {
      for (int64_t begin; (begin = next_.fetch_add(chunk_)) < n_;)
        (*fn_)(begin, std::min(n_, begin + chunk_));
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
      next_ = n_;
    }
    in_parallel_rows = false;
  }

  void serve() {
    uint64_t seen = 0;
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock,
                 [&] { return stop_ || (open_ && generation_ != seen && joined_ < wanted_); });
      if (stop_) return;
      seen = generation_;
      ++joined_;
      ++active_;
      lock.unlock();
      work();
      lock.lock();
      if (--active_ == 0) done_.notify_all();
    }
  }

  std::mutex busy_;  // one job at a time
  std::mutex mutex_, error_mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> threads_;
  bool stop_ = false, open_ = false;
  uint64_t generation_ = 0;
  int64_t wanted_ = 0, joined_ = 0, active_ = 0;
  const RowFunction* fn_ = nullptr;
  int64_t n_ = 0, chunk_ = 1;
  std::atomic<int64_t> next_{0};
  std::exception_ptr error_;
};

}  // namespace

void parallel_rows(int64_t n, int64_t grain, const RowFunction& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  const int64_t threads = std::min<int64_t>(at::get_num_threads(), (n + grain - 1) / grain);
  // Chunks are claimed as threads get to them, so a thread the OS preempts does not hold the
  // others up.
  const int64_t chunk = std::max(grain, n / (threads * 8));
  if (threads <= 1 || in_parallel_rows || !RowPool::instance().run(n, chunk, threads - 1, fn))
    fn(0, n);
}

}  // namespace latentlab
