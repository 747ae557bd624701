#pragma once
// Reading and processing a data set's batches on several CPU threads at once, each with one
// intra-op thread: every worker decodes a batch and then works on it (encodes it), so the cores
// stay busy without OpenMP teams waiting at barriers for a core the other team holds. On two
// cores this encodes 20,000 faces in 8.5 s where a reader thread beside a two-thread encoder
// took 10.5-11.5 s (docs/performance.md, "Cold embed: batches on workers"). For a GPU model the
// reader thread of batch_reader.h feeds the device instead.
//
// Batches are [0, b), [b, 2b), ... (the last one shorter), the same batches a sequential loop
// would make, and each is worked on by one thread with one intra-op thread, so results do not
// depend on how many workers there are. What the caller sees stays sequential: progress is
// reported on the calling thread, in batch order, once a batch and every batch before it are
// done; the error of a batch (a DatasetError reading it, or whatever work threw) is rethrown
// there when the batches before it are done and reported; progress returning false stops the
// workers after their current batch and throws Cancelled.
//
// Memory is bounded: a worker starts batch k only while k < (batches reported) + window, so at
// most `window` batches are read beyond what has been reported.
#include <torch/types.h>

#include <cstdint>
#include <functional>

#include "core/data/dataset.h"

namespace latentlab {

struct BatchWorkOptions {
  int64_t batch_size = 256;
  int workers = 2;
  // Batches that may be read beyond the last one reported (>= workers; 0: workers + 1).
  int64_t window = 0;
  // Called on the calling thread with (images done, total) after each batch, in order.
  std::function<bool(int64_t done, int64_t total)> progress;
};

// Calls work(begin, images) once for every batch of data, on the worker threads (never on the
// calling thread); work must be safe to call from several threads at once.
void for_each_batch(const Dataset& data, const BatchWorkOptions& options,
                    const std::function<void(int64_t begin, const torch::Tensor& images)>& work);

}  // namespace latentlab
