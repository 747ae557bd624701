#pragma once
// A TorchScript module exported from PyTorch, following the contract in PRODUCT.md:
// torch.jit.save(module, path, _extra_files={"latentlab.json": text}); a VAE has methods
// encode(x) -> (mu, logvar) and decode(z) -> x; a GAN has forward(z) -> x and optionally
// discriminate(x) -> logits.
//
// Common variants are adapted, as found by the trial run at load (fit_to_contract): MLP modules
// whose decode()/forward() returns [N, C*H*W] (reshaped to [N, C, H, W]) or whose encode() or
// discriminate() takes [N, C*H*W] (images flattened for them), and an encode() returning one
// tensor [N, 2D] (mu and log-variance concatenated, split).
//
// Thread safety: running a TorchScript method from several threads at once is safe (the graph
// executor locks its own plan cache), and ScriptModel keeps no mutable state besides the device,
// so encode/decode/discriminate may run concurrently; to_device() must not.
#include <torch/script.h>

#include <string>
#include <vector>

#include "core/model/model.h"
#include "core/model/model_info.h"

namespace latentlab {

// How a module differs from the contract in ways that are adapted.
struct ScriptAdapters {
  bool flat_output = false;          // decode()/forward() returns [N, C*H*W]
  bool flat_encode_input = false;    // encode() takes [N, C*H*W]
  bool joint_encode_output = false;  // encode() returns [N, 2D]: mu, then logvar
  bool flat_discriminate_input = false;
};

class ScriptModel : public Model {
 public:
  // path only names the file in error messages.
  ScriptModel(torch::jit::Module module, const ModelInfo& info, bool has_discriminator,
              std::string path);

  ModelKind kind() const override { return kind_; }
  int64_t latent_dim() const override { return latent_dim_; }
  ImageShape image_shape() const override { return shape_; }
  OutputRange output_range() const override { return range_; }
  // A module that throws, returns the wrong shape, or returns NaN/Inf gives a CheckpointError
  // naming the file and the method: NaN is never passed on to the caller.
  Posterior encode(const torch::Tensor& images) override;
  torch::Tensor decode(const torch::Tensor& z) override;
  bool can_discriminate() const override { return has_discriminator_; }
  torch::Tensor discriminate(const torch::Tensor& images) override;
  torch::Device device() const override { return device_; }
  void to_device(torch::Device device) override;

  // The load-time trial (script_model_trial.cpp): runs every method on a batch of two, adapts the
  // variants above and returns one line per adaptation ("decode() returns [N, 784]: reshaped to
  // [N, 1, 28, 28]"). Throws CheckpointError naming the file, the method and what is wrong. Call
  // before the model is shared: it changes how the methods are called.
  std::vector<std::string> fit_to_contract();
  const ScriptAdapters& adapters() const { return adapters_; }

  // Runs the contract's methods from a frozen copy of the module (script_model_freeze.cpp), as
  // torch.jit.freeze makes one: parameters and attributes inlined as constants, batch norm folded
  // into the convolution or transposed convolution before it, each method's graph optimised. The
  // copy is used only when it gives the loaded module's outputs on the trial batch; otherwise, or
  // when the module cannot be frozen (a method that changes an attribute), it runs as loaded.
  // Returns whether the frozen copy is in use. Call after fit_to_contract; to_device freezes again
  // for the new device.
  bool freeze_for_inference();
  bool frozen() const { return use_frozen_; }

 private:
  torch::Tensor check_latents(const torch::Tensor& z) const;
  torch::Tensor check_images(const torch::Tensor& images) const;
  c10::IValue run(const std::string& method, const torch::Tensor& input);
  torch::Tensor output_tensor(const c10::IValue& value, const std::string& what) const;
  std::string decode_method() const;                  // "decode" for a VAE, "forward" for a GAN
  std::vector<std::string> contract_methods() const;  // decode_method(), encode, discriminate
  torch::Tensor trial_latents() const;                // the load-time trial's latents [2, D]
  // Images as the module takes them: [N, C, H, W], or [N, C*H*W] when flat.
  torch::Tensor module_images(const torch::Tensor& images, bool flat) const;
  // Whether method fails on images [N, C, H, W] but runs on them flattened (load-time trial).
  // Throws CheckpointError with both errors when it runs on neither.
  bool takes_flat_images(const std::string& method, const torch::Tensor& x);
  [[noreturn]] void fail(const std::string& what) const;

  torch::jit::Module module_;  // as loaded
  torch::jit::Module frozen_;  // freeze_for_inference's copy, for device_
  bool use_frozen_ = false;
  ModelKind kind_;
  int64_t latent_dim_;
  ImageShape shape_;
  OutputRange range_;
  bool has_discriminator_;
  std::string path_;
  torch::Device device_ = torch::kCPU;
  ScriptAdapters adapters_;
};

// LibTorch's text for an exception, on one line. The TorchScript interpreter throws a plain
// std::runtime_error holding two tracebacks; its last line is the error itself.
std::string torch_message(const std::exception& e);

// Loads and checks a TorchScript file: the extra file, the methods the kind needs, and a trial
// decode (and encode, discriminate) for shapes and finite values. Throws CheckpointError
// "PATH: what is wrong".
struct LoadedModel;
LoadedModel load_script_model(const std::string& path, torch::Device device);

}  // namespace latentlab
