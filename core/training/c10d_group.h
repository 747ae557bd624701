#pragma once
// The c10d objects behind a Communicator. Only core/training's .cpp files include this: the c10d
// headers are heavy and Gloo's are needed to compile them.
#include <memory>
#include <string>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include "core/training/communicator.h"
#include "core/training/failure_census.h"

namespace latentlab {

struct Communicator::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  std::string backend;                    // "gloo" or "nccl"
  torch::Device device = torch::kCPU;     // where collective tensors must be (CUDA for NCCL)
  std::unique_ptr<FailureCensus> census;  // started once the group exists
  int64_t shares = 0;                     // share() calls so far: each has its own store key
};

// Creates the store (FileStore or TCPStore), the process group (Gloo, or NCCL for CUDA where the
// build has it) and the failure census. Throws InputError for bad options and DistributedError
// when the rendezvous fails.
std::unique_ptr<Communicator::Impl> make_c10d_group(const GroupOptions& options);

}  // namespace latentlab
