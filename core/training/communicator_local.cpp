// The Communicator of a build without data-parallel training (LATENTLAB_DATA_PARALLEL=OFF: a
// LibTorch whose c10d API this code does not follow yet). Every group is a group of one, as the
// default-constructed Communicator of the full build is; joining a larger one is an error.
#include "core/training/communicator.h"

namespace latentlab {

struct Communicator::Impl {};

namespace {
class LocalBackward : public GradientSync {
 public:
  void backward(const torch::Tensor& loss) override { loss.backward(); }
};
}  // namespace

Communicator::Communicator() = default;
Communicator::~Communicator() = default;

std::shared_ptr<Communicator> Communicator::join(const GroupOptions& options) {
  if (options.world_size != 1 || options.rank != 0)
    throw InputError(
        "this build has no data-parallel training (built with LATENTLAB_DATA_PARALLEL=OFF): "
        "train with one process");
  return std::make_shared<Communicator>();
}

std::string Communicator::backend() const { return "none"; }
std::string Communicator::share(const std::function<std::string()>& make) { return make(); }
void Communicator::broadcast(const std::vector<torch::Tensor>&) {}
std::map<std::string, torch::Tensor> Communicator::broadcast_named(
    const std::map<std::string, torch::Tensor>& on_root, torch::Device) {
  return on_root;
}
void Communicator::all_reduce_sum(torch::Tensor&) {}
std::unique_ptr<GradientSync> Communicator::gradient_sync(const std::vector<torch::Tensor>&) {
  return std::make_unique<LocalBackward>();
}
std::string Communicator::explain_failure(const std::string& what) { return what; }
void Communicator::record_failure(const std::string&) {}

}  // namespace latentlab
