#include "core/analysis/map_support.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "core/common/splitmix64.h"

namespace latentlab {

std::string to_string(MapStart start) {
  switch (start) {
    case MapStart::Pca:
      return "pca";
    case MapStart::Random:
      return "random";
    case MapStart::Spectral:
      break;
  }
  return "spectral";
}

MapStart parse_map_start(const std::string& text) {
  if (text == "spectral") return MapStart::Spectral;
  if (text == "pca") return MapStart::Pca;
  if (text == "random") return MapStart::Random;
  throw InputError("unknown start layout '" + text + "' (use spectral, pca or random)");
}

void report_progress(const MapProgress& progress, int64_t done, int64_t total) {
  if (progress && !progress(done, total)) throw Cancelled();
}

MapProgress sub_progress(const MapProgress& progress, int64_t from, int64_t share) {
  if (!progress) return {};
  return [progress, from, share](int64_t done, int64_t total) {
    return progress(from + (total > 0 ? share * done / total : share), kMapProgressTotal);
  };
}

RowMatrix to_row_matrix(const torch::Tensor& data, const std::string& what, int64_t min_rows) {
  if (!data.defined() || data.dim() != 2 || data.size(1) == 0)
    throw InputError(what + ": the data must have shape [N, D] with D > 0");
  if (data.size(0) < min_rows)
    throw InputError(what + " needs at least " + std::to_string(min_rows) + " points, got " +
                     std::to_string(data.size(0)));
  const auto x = data.to(torch::kCPU, torch::kFloat32).contiguous();
  if (!torch::isfinite(x).all().item<bool>()) throw InputError(what + ": the data has NaN or Inf");
  RowMatrix m;
  m.rows = x.size(0);
  m.cols = x.size(1);
  m.values.assign(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
  return m;
}

double squared_distance(const float* a, const float* b, int64_t d) {
  double sum = 0.0;
  for (int64_t c = 0; c < d; ++c) {
    const double t = double(a[c]) - double(b[c]);
    sum += t * t;
  }
  return sum;
}

MapRandom MapRandom::stream(uint64_t seed, uint64_t stream) {
  // Two rounds of the generator's own mixing separate neighbouring (seed, stream) pairs.
  MapRandom mixer(seed ^ (stream * 0xD1B54A32D192ED03ull));
  mixer.next();
  return MapRandom(mixer.next());
}

uint64_t MapRandom::next() {
  const uint64_t out = splitmix64(state_);  // SplitMix64: the state advances by its constant
  state_ += 0x9E3779B97F4A7C15ull;
  return out;
}

double MapRandom::uniform() { return double(next() >> 11) * 0x1.0p-53; }

double MapRandom::normal() {
  // 1 - uniform() is in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  constexpr double kTwoPi = 6.283185307179586;
  return radius * std::cos(kTwoPi * uniform());
}

uint64_t MapRandom::below(uint64_t n) {
  // The modulo bias is below n / 2^64: nothing for sampling vertices.
  return next() % n;
}

torch::Tensor points_tensor(const std::vector<float>& xy) {
  return torch::from_blob(const_cast<float*>(xy.data()), {int64_t(xy.size() / 2), 2},
                          torch::kFloat32)
      .clone();
}

torch::Tensor points_tensor(const std::vector<double>& xy) {
  return torch::from_blob(const_cast<double*>(xy.data()), {int64_t(xy.size() / 2), 2},
                          torch::kFloat64)
      .to(torch::kFloat32);
}

// parallel_rows (map_support.h) on a small pool of plain threads.
//
// Why a pool and not a thread per call: on a shared CPU a new thread may wait a whole time slice
// before it first runs, and t-SNE makes thousands of parallel calls. Here the caller works on
// the rows itself and waits only for helpers that have actually started on them; a helper the
// OS wakes late finds the job closed and goes back to sleep.
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
