// ScriptModel::fit_to_contract: the load-time trial run of a TorchScript module. It proves the
// metadata against the module now rather than at the first slider move, and finds the common
// variants of the contract that are adapted (script_model.h).
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/script_model.h"

namespace latentlab {
namespace {

std::string shape_text(const std::vector<int64_t>& sizes) {
  std::string text = "[N";
  for (size_t i = 1; i < sizes.size(); ++i) text += ", " + std::to_string(sizes[i]);
  return text + "]";
}

}  // namespace

torch::Tensor ScriptModel::trial_latents() const {
  // A batch of two (z = 0 and a ramp) also catches modules that mishandle the batch dimension.
  return torch::stack({torch::zeros({latent_dim_}), torch::linspace(-1.0, 1.0, latent_dim_)});
}

bool ScriptModel::takes_flat_images(const std::string& method, const torch::Tensor& x) {
  try {
    run(method, x);
    return false;
  } catch (const CheckpointError& as_images) {
    try {
      run(method, module_images(x, /*flat=*/true));
      return true;
    } catch (const CheckpointError& as_flat) {
      // Both messages, without the path each starts with (fail() adds it once).
      const auto text = [this](const CheckpointError& e) {
        return std::string(e.what()).substr(path_.size() + 2);
      };
      fail(text(as_images) + "; flattened, " + text(as_flat));
    }
  }
}

std::vector<std::string> ScriptModel::fit_to_contract() {
  torch::InferenceMode guard;
  adapters_ = {};
  std::vector<std::string> adapted;
  const auto z = trial_latents();
  const int64_t n = z.size(0);
  const std::vector<int64_t> image{n, shape_.channels, shape_.height, shape_.width};
  const std::vector<int64_t> flat{n, shape_.numel()};

  const std::string method = decode_method();
  const auto raw = run(method, check_latents(z));
  if (raw.isTensor() && raw.toTensor().sizes() == torch::IntArrayRef(flat)) {
    adapters_.flat_output = true;
    adapted.push_back(method + "() returns " + shape_text(flat) + ": reshaped to " +
                      shape_text(image));
  }
  const auto images = decode(z);  // checks shape and values, adapted

  if (kind_ == ModelKind::Vae) {
    const auto x = check_images(images);
    if (takes_flat_images("encode", x)) {
      adapters_.flat_encode_input = true;
      adapted.push_back("encode() takes " + shape_text(flat) + ": images are flattened for it");
    }
    if (run("encode", module_images(x, adapters_.flat_encode_input)).isTensor()) {
      adapters_.joint_encode_output = true;
      adapted.push_back("encode() returns one tensor " + shape_text({n, 2 * latent_dim_}) +
                        ": split into mu and logvar");
    }
    encode(images);  // checks shapes and values, adapted
  }

  if (has_discriminator_) {
    if (takes_flat_images("discriminate", check_images(images))) {
      adapters_.flat_discriminate_input = true;
      adapted.push_back("discriminate() takes " + shape_text(flat) +
                        ": images are flattened for it");
    }
    discriminate(images);
  }
  return adapted;
}

}  // namespace latentlab
