#include "core/data/batch_reader.h"

#include <torch/torch.h>

#include <algorithm>

#include "core/common/error.h"

namespace latentlab {

BatchReader::BatchReader(const Dataset& data, int64_t batch_size, int64_t ahead, int threads)
    : data_(data), batch_size_(batch_size), ahead_(ahead) {
  if (batch_size < 1 || ahead < 1)
    throw InputError("batch reader: batch size and batches ahead must be >= 1");
  // LibTorch's intra-op thread count belongs to each thread: the reader takes the caller's
  // unless told otherwise (it is read here, on the caller's thread).
  thread_ = std::thread(&BatchReader::run, this, threads > 0 ? threads : torch::get_num_threads());
}

BatchReader::~BatchReader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

ImageBatch BatchReader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return !ready_.empty() || finished_; });
  if (ready_.empty()) return {};
  Slot slot = std::move(ready_.front());
  ready_.pop_front();
  lock.unlock();
  changed_.notify_all();  // room for the reader
  if (slot.error) std::rethrow_exception(slot.error);
  return std::move(slot.batch);
}

void BatchReader::run(int threads) {
  torch::set_num_threads(threads);
  const int64_t total = data_.size();
  for (int64_t begin = 0; begin < total; begin += batch_size_) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stop_ || int64_t(ready_.size()) < ahead_; });
      if (stop_) break;
    }
    Slot slot;
    slot.batch.begin = begin;
    try {
      slot.batch.images = data_.images(begin, std::min(total, begin + batch_size_));
    } catch (...) {  // DatasetError above all; anything else is the consumer's to report too
      slot.error = std::current_exception();
    }
    const bool failed = bool(slot.error);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(std::move(slot));
    }
    changed_.notify_all();
    if (failed) break;  // the consumer stops at this batch, as the sequential loop did
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

}  // namespace latentlab
