#pragma once
// Reading a data set in batches on a background thread, so that decoding image files overlaps
// with the model working on the batch before (encoding a data set for the scatter, eval).
// Batches come out in order and hold exactly what Dataset::images(begin, end) returns, so a
// pipelined loop computes what the sequential one did, bit for bit.
//
// Memory is bounded: the reader decodes a batch only while fewer than `ahead` batches wait for
// the consumer, so at most ahead + 1 batches exist at once (counting the consumer's).
// A batch that cannot be read is not thrown on the reader's thread: its DatasetError is
// rethrown by next() when the consumer reaches that batch, after every batch before it, as the
// sequential loop would have; the reader stops there.
#include <torch/types.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "core/data/dataset.h"

namespace latentlab {

struct ImageBatch {
  int64_t begin = 0;     // index of the first image in the data set
  torch::Tensor images;  // [n, C, H, W] float32; undefined: no batch left
};

class BatchReader {
 public:
  static constexpr int64_t kDefaultAhead = 2;

  // Starts reading batches [0, b), [b, 2b), ... of data (b = batch_size, the last one shorter).
  // data must outlive the reader. threads: the reader's intra-op threads for decoding (0: as
  // many as the calling thread uses).
  BatchReader(const Dataset& data, int64_t batch_size, int64_t ahead = kDefaultAhead,
              int threads = 0);
  // Stops the reader and waits for it: cancelling costs at most the batch being decoded.
  ~BatchReader();
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  // The next batch in order, waiting for it if it is not decoded yet; an undefined images
  // tensor after the last. Throws the error of a batch that could not be read.
  ImageBatch next();

 private:
  struct Slot {
    ImageBatch batch;
    std::exception_ptr error;
  };
  void run(int threads);

  const Dataset& data_;
  const int64_t batch_size_;
  const int64_t ahead_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Slot> ready_;  // decoded, in order
  bool finished_ = false;   // the reader has pushed its last slot
  bool stop_ = false;       // the consumer is gone
  std::thread thread_;
};

}  // namespace latentlab
