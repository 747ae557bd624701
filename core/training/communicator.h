#pragma once
// The process group of a data-parallel training run, on LibTorch's own c10d: Gloo for CPU tensors,
// NCCL for CUDA tensors where the LibTorch build has it. The processes meet through a store: a
// FileStore for the processes of one host (--nproc), a TCPStore served by rank 0 across hosts.
//
// Every collective must be called by every rank in the same order (c10d's rule). A group of one
// (the default-constructed Communicator) makes every operation the identity and touches no c10d
// object, so the trainer runs the same code for one process and for many.
//
// This header is free of c10d types: only core/training's .cpp files include c10d and Gloo.
#include <torch/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace latentlab {

// A run of several processes failed: a rank stopped, a collective broke or timed out.
class DistributedError : public Error {
 public:
  using Error::Error;
};

struct GroupOptions {
  int world_size = 1;
  int rank = 0;
  std::string master;          // "HOST:PORT": rank 0 serves a TCPStore there (several hosts)
  std::string store_file;      // or a FileStore shared by the processes of one host
  std::string device = "cpu";  // where the training tensors live: NCCL for CUDA, else Gloo
  // How long to wait for the other ranks, at the rendezvous and in every collective. Generous
  // (PyTorch's default) because a rank may still be loading a large data set when another is
  // already waiting. A rank whose process ends is noticed at once (its sockets close).
  std::chrono::seconds timeout{30 * 60};
};

class GradientSync;

class Communicator {
 public:
  Communicator();  // a group of one
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  // Joins the group: blocks until all world_size processes have joined. Throws InputError for
  // bad options, DistributedError when the rendezvous fails or times out.
  static std::shared_ptr<Communicator> join(const GroupOptions& options);

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }
  bool is_root() const { return rank_ == 0; }
  std::string backend() const;  // "gloo", "nccl" or "none"

  // The text `make` returns on rank 0, on every rank; make runs on rank 0 only. When it throws,
  // the other ranks throw a DistributedError with its message, so a setup error on rank 0 (a
  // checkpoint that cannot be resumed) stops every rank instead of leaving them waiting.
  std::string share(const std::function<std::string()>& make);

  // Overwrites the tensors with rank 0's (same shapes on every rank).
  void broadcast(const std::vector<torch::Tensor>& tensors);
  // Rank 0's named tensors on every rank; the other ranks learn names and shapes from rank 0.
  std::map<std::string, torch::Tensor> broadcast_named(
      const std::map<std::string, torch::Tensor>& on_root, torch::Device device);
  // Sums t over the ranks, in place.
  void all_reduce_sum(torch::Tensor& t);

  // Averages the gradients of `params` over the ranks during backward (see GradientSync).
  std::unique_ptr<GradientSync> gradient_sync(const std::vector<torch::Tensor>& params);

  // After a collective failed with `what`: one message naming the rank(s) that stopped, and why
  // when they said so (record_failure). Takes a few seconds: it watches the ranks' heartbeats.
  std::string explain_failure(const std::string& what);
  // Tells the other ranks why this one is about to stop, so their messages can name the cause.
  void record_failure(const std::string& what);

  struct Impl;  // c10d objects; defined in c10d_group.h

 private:
  int rank_ = 0;
  int world_size_ = 1;
  std::unique_ptr<Impl> impl_;  // null for a group of one
};

// Averages gradients the way PyTorch's DistributedDataParallel does, with its own engine (the
// c10d Reducer) and its buckets: after the first step the parameters are grouped in the order
// backward produces their gradients, the first bucket 1 MiB and the others up to 25 MiB;
// autograd hooks start each bucket's all-reduce as soon as its last gradient is ready, so
// communication overlaps the rest of backward; when backward returns every .grad holds the mean
// over the ranks.
class GradientSync {
 public:
  virtual ~GradientSync() = default;
  // loss.backward() with the gradients averaged over the ranks when it returns.
  virtual void backward(const torch::Tensor& loss) = 0;
};

}  // namespace latentlab
