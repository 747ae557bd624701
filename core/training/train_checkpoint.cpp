#include "core/training/train_checkpoint.h"

#include <torch/torch.h>

#include <ctime>
#include <filesystem>

#include "core/common/error.h"
#include "core/model/model_file.h"
#include "core/training/batch_plan.h"
#include "core/training/communicator.h"
#include "core/training/train_settings.h"

namespace latentlab {
namespace {

std::string iso_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// Rank 0's side of start_run: everything from the file or from the options.
void start_on_root(const ImageShape& shape, const TrainOptions& given, RunStart& run) {
  if (!given.resume) {
    run.settings = with_defaults(given, shape);
    run.image_shape = shape;
    run.info.name =
        given.name.empty() ? std::filesystem::path(given.out).stem().string() : given.name;
    run.info.labels = given.labels;
    run.info.provenance.command = given.command;
    run.info.provenance.data = given.data;
    run.info.provenance.seed = run.settings.seed;
    run.info.provenance.loss_history = nlohmann::json::array();
    return;
  }
  const TrainState state = read_train_state(given.out);
  if (given.epochs <= state.epochs_done)
    throw InputError(given.out + " is already trained for " + std::to_string(state.epochs_done) +
                     " epochs; ask for more with --epochs");
  LoadedModel loaded = load_model(given.out, "cpu");
  run.model = std::dynamic_pointer_cast<NativeModel>(loaded.model);
  run.info = loaded.info;
  run.stored_state = read_checkpoint_extras(given.out).tensors;
  if (!given.command.empty())
    run.info.provenance.command = run.info.provenance.command.empty()
                                      ? given.command
                                      : run.info.provenance.command + " && " + given.command;
  if (!given.name.empty()) run.info.name = given.name;
  run.settings = state.settings;
  run.image_shape = state.image_shape;
  run.first_epoch = state.epochs_done + 1;
  run.resumed = true;
}

}  // namespace

RunStart start_run(const ImageShape& shape, const TrainOptions& given, Communicator& group) {
  RunStart run;
  const auto shared = nlohmann::json::parse(group.share([&] {
    start_on_root(shape, given, run);
    const auto& s = run.image_shape;
    return nlohmann::json{{"settings", train_settings_to_json(run.settings)},
                          {"image_shape", {s.channels, s.height, s.width}},
                          {"first_epoch", run.first_epoch},
                          {"resumed", run.resumed}}
        .dump();
  }));
  if (!group.is_root()) {
    run.settings = train_settings_from_json(shared.at("settings"));
    const auto& s = shared.at("image_shape");
    run.image_shape = {s.at(0).get<int64_t>(), s.at(1).get<int64_t>(), s.at(2).get<int64_t>()};
    run.first_epoch = shared.at("first_epoch").get<int64_t>();
    run.resumed = shared.at("resumed").get<bool>();
  }
  if (!run.model) {
    torch::manual_seed(uint64_t(run.settings.seed));
    run.model = build_model(run.settings, run.image_shape);
  }
  return run;
}

void save_epoch(const TrainOptions& o, NativeModel& model, ModelInfo& info, TrainStep& step,
                const EpochSummary& e) {
  nlohmann::json record = {{"epoch", e.epoch},
                           {"seconds", e.seconds},
                           {"images_per_second", e.images_per_second},
                           {"processes", e.processes}};
  for (const auto& [name, mean] : e.means) record[name] = mean;
  info.provenance.loss_history.push_back(record);
  info.provenance.epochs = e.epoch;
  info.provenance.date = iso_now();
  info.provenance.train_seconds = e.train_seconds;
  info.provenance.metrics = nlohmann::json::object();  // older evaluations describe older weights
  for (const auto& [name, mean] : e.means) info.provenance.metrics["train_" + name] = mean;

  SaveOptions save;
  const bool release = e.epoch == o.epochs && o.half_precision;
  save.half_precision = release;
  if (!release) step.save_state(save.extra_tensors);
  save.extra_meta["train"] = {{"settings", train_settings_to_json(o)},
                              {"epochs_done", e.epoch},
                              {"global_step", e.epoch * e.steps},
                              {"rng", kRngScheme},
                              {"resumable", !release}};
  save_checkpoint(o.out, model, info, save);
}

}  // namespace latentlab
