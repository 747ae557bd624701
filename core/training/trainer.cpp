#include "core/training/trainer.h"

#include <torch/torch.h>

#include <chrono>

#include "core/common/error.h"
#include "core/model/device.h"
#include "core/training/batch_plan.h"
#include "core/training/communicator.h"
#include "core/training/train_checkpoint.h"
#include "core/training/train_steps.h"

namespace latentlab {
namespace {

constexpr float kRangeSlack = 1e-3f;  // images may overshoot the range by rounding

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void check_images(const torch::Tensor& images, const NativeModel& model) {
  const auto s = model.image_shape();
  if (images.dim() != 4 || images.size(1) != s.channels || images.size(2) != s.height ||
      images.size(3) != s.width || images.scalar_type() != torch::kFloat32)
    throw InputError("training images must be float32 [N, " + std::to_string(s.channels) + ", " +
                     std::to_string(s.height) + ", " + std::to_string(s.width) + "], got " +
                     c10::str(images.scalar_type()) + " " + c10::str(images.sizes()));
  if (images.size(0) < 1) throw InputError("no training images");
  const auto r = model.output_range();
  const float lo = images.min().item<float>();
  const float hi = images.max().item<float>();
  if (!(lo >= r.lo - kRangeSlack && hi <= r.hi + kRangeSlack))
    throw InputError("training images have values in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "] but the model needs [" + std::to_string(r.lo) + ", " +
                     std::to_string(r.hi) + "]");
}

// The labels a guided run reads from its first latent coordinates, as float [N, A] on the device;
// undefined for a run without an attribute weight.
torch::Tensor guide_labels(const torch::Tensor& attributes, const torch::Tensor& images,
                           const TrainOptions& o, torch::Device device) {
  if (!(o.attribute_weight > 0.0)) return {};
  if (!attributes.defined() || attributes.dim() != 2 || attributes.size(1) == 0)
    throw InputError(
        "an attribute weight needs a data set with attributes (e.g. celeba:DIR), and this one "
        "has none");
  if (attributes.size(0) != images.size(0))
    throw InputError("attributes for " + std::to_string(attributes.size(0)) + " images, but " +
                     std::to_string(images.size(0)) + " images");
  if (attributes.size(1) > o.latent_dim)
    throw InputError(std::to_string(attributes.size(1)) + " attributes need a latent of at least " +
                     std::to_string(attributes.size(1)) + " dimensions, not " +
                     std::to_string(o.latent_dim));
  return attributes.to(device, torch::kFloat32);
}

// Every rank starts from rank 0's weights, batch-norm statistics and (on resume) Adam state, as
// DDP does. Batch-norm statistics are not broadcast again at every step as DDP's default does:
// only rank 0's model is ever saved or evaluated, so that traffic would change nothing.
void start_identically(Communicator& group, NativeModel& model, TrainStep& step,
                       const RunStart& run, const std::string& path, torch::Device device) {
  std::vector<torch::Tensor> state;
  for (const auto& p : model.network().parameters()) state.push_back(p);
  for (const auto& b : model.network().buffers()) state.push_back(b);
  group.broadcast(state);
  if (run.resumed) step.restore_state(group.broadcast_named(run.stored_state, device), path);
}

// Turns this rank's mean losses into the means over every image of the step (each rank's means
// weighted by its number of images) and tells whether any rank asked to stop. One small
// all-reduce per step, so every rank stops after the same step.
bool reduce_step(Communicator& group, std::map<std::string, double>& losses, int64_t images,
                 bool stop) {
  if (group.world_size() == 1) return stop;
  std::vector<double> values;
  for (const auto& [name, mean] : losses) values.push_back(mean * double(images));
  values.push_back(double(images));
  values.push_back(stop ? 1.0 : 0.0);
  auto sums = torch::tensor(values, torch::kFloat64);
  group.all_reduce_sum(sums);
  const auto a = sums.accessor<double, 1>();
  const int64_t total = int64_t(losses.size());
  int64_t i = 0;
  for (auto& [name, mean] : losses) mean = a[i++] / a[total];
  return a[total + 1] > 0.0;
}

// Where the run is, for the message when the group breaks.
struct Position {
  int64_t epoch = 0;
  int64_t step = 0;
  int64_t saved_epoch = 0;  // the epoch the checkpoint on disk holds (0: none written)
};

std::string failure_message(Communicator& group, const std::string& what, const Position& at,
                            const std::string& out) {
  const std::string where =
      at.epoch == 0 ? "before the first step"
                    : "epoch " + std::to_string(at.epoch) + " step " + std::to_string(at.step);
  std::string message = "rank " + std::to_string(group.rank()) + " of " +
                        std::to_string(group.world_size()) + ", " + where + ": " +
                        group.explain_failure(what);
  if (!group.is_root()) return message + "; rank 0 writes the checkpoints";
  if (at.saved_epoch == 0) return message + "; no checkpoint was written yet";
  return message + "; the last checkpoint, " + out + ", holds epoch " +
         std::to_string(at.saved_epoch) + " and is intact: continue with --resume";
}

TrainResult train_in_group(const torch::Tensor& images, const torch::Tensor& attributes,
                           const TrainOptions& given, Communicator& group, Position& at) {
  const torch::Device device = resolve_device(given.device);
  RunStart run =
      start_run(ImageShape{images.size(1), images.size(2), images.size(3)}, given, group);
  at.saved_epoch = run.first_epoch - 1;
  // Only the run's extent and its runtime come from the caller on resume.
  TrainOptions& o = run.settings;
  o.epochs = given.epochs;
  o.out = given.out;
  o.half_precision = given.half_precision;
  NativeModel& model = *run.model;
  check_images(images, model);
  const auto labels = guide_labels(attributes, images, o, device);
  if (labels.defined()) {
    if (int64_t(given.attribute_names.size()) != labels.size(1))
      throw InputError(std::to_string(labels.size(1)) + " attributes but " +
                       std::to_string(given.attribute_names.size()) + " attribute names");
    run.info.guided_attributes = given.attribute_names;
  }

  model.to_device(device);
  model.network().train();
  auto step = make_step(model, o, group);
  start_identically(group, model, *step, run, given.out, device);

  BatchPlan plan(images.size(0), o.batch_size, group.rank(), group.world_size());
  const int64_t steps = plan.steps();
  const int64_t total_steps = steps * (o.epochs - run.first_epoch + 1);
  const auto start = Clock::now();
  const double earlier_seconds = run.info.provenance.train_seconds;
  int64_t steps_done = 0;
  std::map<std::string, double> last_means;

  TrainProgress progress;
  progress.epochs = o.epochs;
  progress.steps_per_epoch = steps;
  progress.batch_size = plan.global_batch();
  for (int64_t epoch = run.first_epoch; epoch <= o.epochs; ++epoch) {
    at.epoch = epoch;
    const auto epoch_start = Clock::now();
    plan.start_epoch(o.seed, epoch);
    std::map<std::string, double> sums;
    for (int64_t s = 0; s < steps; ++s) {
      at.step = s + 1;
      const auto rows = plan.indices(s);
      const auto x = images.index_select(0, rows).to(device);
      const auto y = labels.defined() ? labels.index_select(0, rows.to(device)) : labels;
      auto losses = step->run(x, y, plan.noise(o.latent_dim), plan.gradient_weight());
      const bool stop_here = given.cancel && given.cancel->load();
      if (reduce_step(group, losses, plan.local_batch(), stop_here)) throw Cancelled();
      for (const auto& [name, value] : losses) sums[name] += value;
      ++steps_done;
      if (given.progress && group.is_root()) {
        const double elapsed = seconds_since(start);
        progress.epoch = epoch;
        progress.step = s + 1;
        progress.epoch_done = false;
        progress.images_per_second =
            double(steps_done * plan.global_batch()) / std::max(elapsed, 1e-9);
        progress.eta_seconds = elapsed / double(steps_done) * double(total_steps - steps_done);
        for (const auto& [name, sum] : sums) progress.losses[name] = sum / double(s + 1);
        given.progress(progress);
      }
    }

    EpochSummary summary;
    summary.epoch = epoch;
    summary.steps = steps;
    summary.seconds = seconds_since(epoch_start);
    summary.images_per_second =
        double(steps * plan.global_batch()) / std::max(summary.seconds, 1e-9);
    for (const auto& [name, sum] : sums) summary.means[name] = sum / double(steps);
    summary.train_seconds = earlier_seconds + seconds_since(start);
    summary.processes = group.world_size();
    last_means = summary.means;
    if (group.is_root()) {
      save_epoch(o, model, run.info, *step, summary);
      at.saved_epoch = epoch;
      if (given.progress) {
        progress.epoch = epoch;
        progress.step = steps;
        progress.epoch_done = true;
        progress.losses = last_means;
        given.progress(progress);
      }
    }
  }
  // The other ranks finish only once rank 0 has written the last checkpoint, so a failure to
  // write it fails every rank.
  auto done = torch::zeros({1}, torch::kFloat64);
  group.all_reduce_sum(done);
  model.network().eval();

  TrainResult result;
  result.info = run.info;
  result.info.kind = model.kind();
  result.info.architecture = model.spec().name;
  result.info.hyper_parameters = model.spec().hyper_parameters;
  result.info.latent_dim = model.latent_dim();
  result.info.image_shape = model.image_shape();
  result.info.output_range = model.output_range();
  result.epochs_done = o.epochs;
  result.seconds = seconds_since(start);
  result.images_per_second =
      double(steps_done * plan.global_batch()) / std::max(result.seconds, 1e-9);
  return result;
}

}  // namespace

TrainResult train(const torch::Tensor& images, const TrainOptions& given,
                  const torch::Tensor& attributes) {
  // The thread count is process-wide: set it for this run only and put it back afterwards.
  struct ThreadScope {
    int previous = torch::get_num_threads();
    explicit ThreadScope(int threads) {
      if (threads > 0) configure_threads(threads);
    }
    ~ThreadScope() { torch::set_num_threads(previous); }
  } thread_scope(given.threads);
  if (given.out.empty()) throw InputError("no checkpoint path to train into");
  if (images.dim() != 4)
    throw InputError("training images must be [N, C, H, W], got " + c10::str(images.sizes()));

  Communicator alone;
  Communicator& group = given.group ? *given.group : alone;
  Position at;
  try {
    return train_in_group(images, attributes, given, group, at);
  } catch (const Cancelled&) {
    throw;
  } catch (const Error& e) {
    group.record_failure(e.what());  // the other ranks name this cause in their messages
    throw;
  } catch (const c10::Error& e) {
    // A collective broke (Gloo or NCCL error, timeout): find out which rank stopped.
    if (group.world_size() == 1) throw;
    throw DistributedError(failure_message(group, e.what_without_backtrace(), at, given.out));
  } catch (const std::exception& e) {  // Gloo's own IoException reaches here
    if (group.world_size() == 1) throw;
    throw DistributedError(failure_message(group, e.what(), at, given.out));
  }
}

}  // namespace latentlab
