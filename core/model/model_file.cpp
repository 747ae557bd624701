#include "core/model/model_file.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/data/dataset_spec_paths.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint_file.h"
#include "core/model/allocation_budget.h"
#include "core/model/device.h"
#include "core/model/model_analysis.h"
#include "core/model/native_model.h"
#include "core/model/script_model.h"
#include "core/model/stored_tensors.h"

namespace latentlab {
namespace {

constexpr const char* kModelPrefix = "model/";
constexpr const char* kCheckpointFormat = "latentlab-checkpoint";
// Version 2 keeps the GMM's numbers as tensors (stored_tensors.h); version 1 has them in the
// header's JSON, and is still read.
constexpr int kCheckpointFormatVersion = 2;
// What building a network may allocate beyond twice the weights the file holds (float16 files
// load as float32): module bookkeeping, never a lying architecture's terabytes.
constexpr uint64_t kBuildSlackBytes = uint64_t{16} << 20;

std::string read_prefix(const std::string& path, size_t count) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(count, '\0');
  in.read(bytes.data(), std::streamsize(count));
  bytes.resize(size_t(in.gcount()));
  return bytes;
}

bool is_zip(const std::string& first_bytes) { return first_bytes.rfind("PK\x03\x04", 0) == 0; }

std::map<std::string, torch::Tensor> state_of(torch::nn::Module& net) {
  std::map<std::string, torch::Tensor> state;
  for (const auto& p : net.named_parameters(/*recurse=*/true)) state[p.key()] = p.value();
  for (const auto& b : net.named_buffers(/*recurse=*/true)) state[b.key()] = b.value();
  return state;
}

void load_state(torch::nn::Module& net, const std::map<std::string, torch::Tensor>& tensors,
                const std::string& path) {
  torch::NoGradGuard no_grad;
  const auto state = state_of(net);
  for (const auto& [name, target] : state) {
    const auto it = tensors.find(kModelPrefix + name);
    if (it == tensors.end())
      fail<CheckpointError>(
          path, "weights '" + name + "' are missing: the metadata does not match the weights");
    if (it->second.sizes() != target.sizes())
      fail<CheckpointError>(
          path, "weights '" + name + "' have shape " + c10::str(it->second.sizes()) +
                    " but the architecture in the metadata needs " + c10::str(target.sizes()));
    const auto& value = it->second;
    if (value.is_floating_point() && !torch::isfinite(value).all().item<bool>())
      fail<CheckpointError>(path, "weights '" + name + "' contain NaN or Inf");
    target.copy_(value.to(target.dtype()));
  }
  const std::string prefix = kModelPrefix;
  for (const auto& [name, value] : tensors)
    if (name.rfind(prefix, 0) == 0 && !state.count(name.substr(prefix.size())))
      fail<CheckpointError>(path, "unexpected weights '" + name.substr(prefix.size()) +
                                      "': the metadata does not match the weights");
}

ArchitectureSpec spec_of(const ModelInfo& info) {
  return {info.architecture, info.hyper_parameters, info.latent_dim, info.image_shape,
          info.output_range};
}

void check_format(const CheckpointFile& file, const std::string& path) {
  try {
    if (file.meta.value("format", "") != kCheckpointFormat || !file.meta.contains("model"))
      fail<CheckpointError>(path, "not a LatentLab checkpoint (no model metadata)");
    const int version = file.meta.value("version", 0);
    if (version > kCheckpointFormatVersion)
      fail<CheckpointError>(
          path, "written by a newer LatentLab (format version " + std::to_string(version) + ")");
  } catch (const nlohmann::json::exception& e) {
    fail<CheckpointError>(path, std::string("bad metadata: ") + e.what());
  }
}

// Bytes the model's weights take once loaded as float32.
uint64_t model_bytes(const CheckpointFile& file) {
  uint64_t bytes = 0;
  for (const auto& [name, value] : file.tensors)
    if (name.rfind(kModelPrefix, 0) == 0) bytes += uint64_t(value.numel()) * sizeof(float);
  return bytes;
}

std::shared_ptr<NativeModel> build_model(const ModelInfo& info, const CheckpointFile& file,
                                         const std::string& path) {
  const auto spec = spec_of(info);
  const std::string described = spec.name + " " + spec.hyper_parameters.dump();
  try {
    AllocationBudget budget(kBuildSlackBytes + 2 * model_bytes(file));
    return build_native_model(spec);
  } catch (const AllocationRefused&) {
    fail<CheckpointError>(path, "the architecture in the metadata (" + described +
                                    ") is far larger than the weights in the file");
  } catch (const Error& e) {
    fail<CheckpointError>(path, e.what());
  } catch (const c10::Error& e) {
    fail<CheckpointError>(path, "the architecture in the metadata (" + described +
                                    ") cannot be built: " + e.what_without_backtrace());
  }
}

// Finite weights can still overflow (a file scaled by 1e30): one decode proves the model draws
// numbers before anything is shown, and names the file while the error still can.
void trial_decode(Model& model, const std::string& path) {
  try {
    model.decode(torch::zeros({1, model.latent_dim()}));
  } catch (const Error& e) {
    fail<CheckpointError>(path, std::string(e.what()) + " (trial decode of z = 0 at load)");
  }
}

// Bound data sets are stored relative to the file that stores them (dataset_spec_paths.h).
ModelInfo info_of(const CheckpointFile& file, const std::string& path) {
  const auto& stored = file.meta.at("model");
  const bool gmm_tensors = stored.contains("gmm") && stored.at("gmm").is_object() &&
                           !stored.at("gmm").contains("weights");  // format version 2
  try {
    ModelInfo info;
    if (gmm_tensors) {
      nlohmann::json without_gmm = stored;
      without_gmm.erase("gmm");
      info = model_info_from_json(without_gmm);
      info.gmm = read_gmm(stored.at("gmm"), file, info.latent_dim, path);
    } else {
      info = model_info_from_json(stored);
    }
    for (auto& spec : info.datasets) spec = resolve_dataset_spec(spec, folder_of(path));
    return info;
  } catch (const nlohmann::json::exception& e) {
    fail<CheckpointError>(path, std::string("bad metadata: ") + e.what());
  } catch (const CheckpointError&) {
    throw;
  } catch (const Error& e) {
    fail<CheckpointError>(path, e.what());
  }
}

// The model's metadata into the header, its GMM's numbers beside the weights.
void store_info(CheckpointFile& file, ModelInfo info, const std::string& path) {
  info.adapted.clear();
  for (auto& spec : info.datasets) spec = relative_dataset_spec(spec, folder_of(path));
  const std::optional<GaussianMixture> gmm = std::move(info.gmm);
  info.gmm.reset();
  file.meta["model"] = to_json(info);
  for (auto it = file.tensors.begin(); it != file.tensors.end();)
    it = is_gmm_tensor(it->first) ? file.tensors.erase(it) : std::next(it);
  if (gmm) file.meta["model"]["gmm"] = store_gmm(*gmm, file);
}

LoadedModel load_native_model(const std::string& path, torch::Device device) {
  const CheckpointFile file = read_checkpoint_file(path);
  check_format(file, path);
  LoadedModel loaded;
  loaded.info = info_of(file, path);
  loaded.path = path;
  const auto model = build_model(loaded.info, file, path);
  if (model->kind() != loaded.info.kind)
    fail<CheckpointError>(path, "the metadata says kind " + to_string(loaded.info.kind) +
                                    " but architecture " + loaded.info.architecture + " builds a " +
                                    to_string(model->kind()));
  load_state(model->network(), file.tensors, path);
  model->to_device(device);
  trial_decode(*model, path);
  loaded.model = model;
  return loaded;
}

}  // namespace

FileStamp stamp_of(const std::string& path) {
  std::error_code size_error, time_error;
  const auto bytes = std::filesystem::file_size(path, size_error);
  const auto modified = std::filesystem::last_write_time(path, time_error);
  if (size_error || time_error) return {};  // the loader says what is wrong with the file
  return {
      bytes,
      std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch()).count()};
}

LoadedModel load_model(const std::string& path, const std::string& device_name) {
  const torch::Device device = resolve_device(device_name);
  // Taken first: a file replaced while it loads must not get analysis made for the new bytes.
  const FileStamp stamp = stamp_of(path);
  LoadedModel loaded = is_zip(read_prefix(path, 8)) ? load_script_model(path, device)
                                                    : load_native_model(path, device);
  loaded.stamp = stamp;
  apply_analysis_store(loaded);
  return loaded;
}

void save_checkpoint(const std::string& path, NativeModel& model, ModelInfo info,
                     const SaveOptions& options) {
  const auto& spec = model.spec();
  info.format = "latentlab";
  info.kind = model.kind();
  info.architecture = spec.name;
  info.hyper_parameters = spec.hyper_parameters;
  info.latent_dim = spec.latent_dim;
  info.image_shape = spec.image_shape;
  info.output_range = spec.output_range;
  CheckpointFile file;
  file.meta = {{"format", kCheckpointFormat},
               {"version", kCheckpointFormatVersion},
               {"extra", options.extra_meta}};
  store_info(file, info, path);
  for (const auto& [name, value] : state_of(model.network())) {
    const auto cpu = value.detach().to(torch::kCPU);
    if (options.half_precision && cpu.scalar_type() == torch::kFloat32)
      file.float16.insert(kModelPrefix + name);
    file.tensors[kModelPrefix + name] = cpu;
  }
  for (const auto& [name, value] : options.extra_tensors) {
    if (name.rfind(kModelPrefix, 0) == 0 || is_gmm_tensor(name))
      throw Error("extra tensor '" + name + "' has the name of a model or GMM tensor");
    file.tensors[name] = value.detach().to(torch::kCPU);
  }
  write_checkpoint_file(path, file);
}

ModelInfo checkpoint_info(const CheckpointFile& file, const std::string& path) {
  return info_of(file, path);
}

CheckpointExtras read_checkpoint_extras(const std::string& path) {
  const CheckpointFile file = read_checkpoint_file(path);
  check_format(file, path);
  CheckpointExtras extras;
  extras.meta = file.meta.value("extra", nlohmann::json::object());
  for (const auto& [name, value] : file.tensors)
    if (name.rfind(kModelPrefix, 0) != 0 && !is_gmm_tensor(name)) extras.tensors[name] = value;
  return extras;
}

void update_checkpoint_info(const std::string& path, const ModelInfo& info) {
  if (is_zip(read_prefix(path, 8)))
    fail<CheckpointError>(
        path, "is a TorchScript module: its analysis goes to an analysis store (save_analysis)");
  CheckpointFile file = read_checkpoint_file(path);
  check_format(file, path);
  ModelInfo updated = info_of(file, path);
  if (info.latent_dim != updated.latent_dim)
    fail<CheckpointError>(path, "the new metadata has latent size " +
                                    std::to_string(info.latent_dim) + ", the model " +
                                    std::to_string(updated.latent_dim));
  updated.name = info.name;
  updated.labels = info.labels;
  updated.guided_attributes = info.guided_attributes;
  updated.provenance = info.provenance;
  updated.attributes = info.attributes;
  updated.gmm = info.gmm;
  updated.datasets = info.datasets;
  store_info(file, updated, path);
  file.meta["version"] = kCheckpointFormatVersion;
  info_of(file, path);  // refuse to write what could not be read back
  write_checkpoint_file(path, file);
}

}  // namespace latentlab
