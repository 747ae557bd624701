#include "core/training/communicator.h"

#include <torch/torch.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <torch/csrc/distributed/c10d/comm.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>

#include "core/training/c10d_group.h"

namespace latentlab {
namespace {

constexpr size_t kBroadcastBucketBytes = 250u << 20;  // DDP's broadcast_bucket_size

class LocalBackward : public GradientSync {
 public:
  void backward(const torch::Tensor& loss) override { loss.backward(); }
};

// DDP's engine without DDP's Python wrapper, set up as torch.nn.parallel.DistributedDataParallel
// does with find_unused_parameters off (every parameter gets a gradient in every backward, which
// holds for our VAE and for each DCGAN network): one bucket for the first step, whose backward
// records the order in which the gradients become ready; before the second step the buckets are
// rebuilt in that order (rank 0's order, broadcast), the first of 1 MiB and the others up to
// 25 MiB, so each bucket's all-reduce starts while backward is still producing the next ones.
class ReducerSync : public GradientSync {
 public:
  ReducerSync(const std::vector<torch::Tensor>& params,
              const c10::intrusive_ptr<c10d::ProcessGroup>& group) {
    const std::vector<bool> sparse(params.size(), false);
    auto [buckets, limits] = c10d::compute_bucket_assignment_by_size(
        params, {std::numeric_limits<size_t>::max()}, sparse);
    reducer_ = std::make_unique<c10d::Reducer>(
        params, std::move(buckets), std::move(limits), group, sparse, c10d::kDefaultBucketBytesCap,
        /*find_unused_parameters=*/false,
        /*gradient_as_bucket_view=*/false, std::unordered_map<size_t, std::string>{},
        c10d::kDefaultFirstBucketBytes);
  }
  void backward(const torch::Tensor& loss) override {
    reducer_->rebuild_buckets();             // acts once, before the second step (a broadcast)
    reducer_->prepare_for_backward({loss});  // arms the hooks of this backward only
    loss.backward();
  }

 private:
  std::unique_ptr<c10d::Reducer> reducer_;
};

}  // namespace

Communicator::Communicator() = default;
Communicator::~Communicator() = default;

std::shared_ptr<Communicator> Communicator::join(const GroupOptions& options) {
  auto c = std::make_shared<Communicator>();
  if (options.world_size == 1 && options.rank == 0) return c;
  c->impl_ = make_c10d_group(options);
  c->rank_ = options.rank;
  c->world_size_ = options.world_size;
  return c;
}

std::string Communicator::backend() const { return impl_ ? impl_->backend : "none"; }

std::string Communicator::share(const std::function<std::string()>& make) {
  if (!impl_) return make();
  const std::string key = "share/" + std::to_string(impl_->shares++);
  if (is_root()) {
    std::string value;
    try {
      value = make();
    } catch (const std::exception& e) {
      try {
        impl_->store->set(key, store_bytes(std::string("e") + e.what()));
      } catch (const std::exception&) {
        // The others time out instead; this rank's own error matters more.
      }
      throw;
    }
    impl_->store->set(key, store_bytes("v" + value));
    return value;
  }
  std::string got;
  try {
    got = store_text(impl_->store->get(key));  // waits for rank 0, up to the group's timeout
  } catch (const c10::Error& e) {
    throw DistributedError("rank " + std::to_string(rank_) +
                           " waited for rank 0 in vain: " + e.what_without_backtrace());
  }
  if (got.empty() || got[0] != 'v') throw DistributedError("rank 0 stopped: " + got.substr(1));
  return got.substr(1);
}

void Communicator::broadcast(const std::vector<torch::Tensor>& tensors) {
  if (!impl_ || tensors.empty()) return;
  torch::NoGradGuard no_grad;  // parameters are leaves that require grad: write them quietly
  c10d::broadcast_coalesced(impl_->group, tensors, kBroadcastBucketBytes, /*rank=*/0);
}

std::map<std::string, torch::Tensor> Communicator::broadcast_named(
    const std::map<std::string, torch::Tensor>& on_root, torch::Device device) {
  if (!impl_) return on_root;
  const auto layout = nlohmann::json::parse(share([&] {
    auto j = nlohmann::json::array();
    for (const auto& [name, t] : on_root)
      j.push_back({name, t.sizes().vec(), int(t.scalar_type())});
    return j.dump();
  }));
  std::map<std::string, torch::Tensor> out;
  std::vector<torch::Tensor> tensors;
  for (const auto& entry : layout) {
    const auto name = entry.at(0).get<std::string>();
    const auto options =
        torch::TensorOptions().dtype(torch::ScalarType(entry.at(2).get<int>())).device(device);
    auto t = is_root() ? on_root.at(name).to(options)
                       : torch::empty(entry.at(1).get<std::vector<int64_t>>(), options);
    out[name] = t;
    tensors.push_back(t);
  }
  broadcast(tensors);
  return out;
}

void Communicator::all_reduce_sum(torch::Tensor& t) {
  if (!impl_) return;
  std::vector<torch::Tensor> on_device{t.to(impl_->device)};
  impl_->group->allreduce(on_device)->wait();
  if (!on_device[0].is_same(t)) t.copy_(on_device[0]);
}

std::unique_ptr<GradientSync> Communicator::gradient_sync(
    const std::vector<torch::Tensor>& params) {
  if (!impl_) return std::make_unique<LocalBackward>();
  return std::make_unique<ReducerSync>(params, impl_->group);
}

std::string Communicator::explain_failure(const std::string& what) {
  return impl_ ? impl_->census->explain(what) : what;
}

void Communicator::record_failure(const std::string& what) {
  if (impl_) impl_->census->record(what);
}

}  // namespace latentlab
