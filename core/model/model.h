#pragma once
// Folder core/model/ (LibTorch only). Running generative models: the Model interface (this file),
// the native architectures (conv VAE, DCGAN, the sub-pixel decoder path), TorchScript modules under
// the PyTorch contract (and the variants adapted at load), loading either kind from a file
// (model_file.h) under an allocation budget, the analysis stored for any model (analysis_store.h,
// model_analysis.h), devices, the ModelInfo metadata, and pixel conversion of model outputs.
//
// The one interface every part of LatentLab uses to run a generative model, whether it is a
// built-in architecture or a TorchScript module exported from PyTorch. The UI never branches
// on the model type.
//
// Thread safety: every method opens its own torch::InferenceMode (it is thread-local), so a
// render worker thread may call encode/decode/discriminate while another thread does the same.
// to_device() must not run concurrently with inference.
#include <torch/types.h>

#include "core/common/types.h"

namespace latentlab {

struct Posterior {
  torch::Tensor mean;    // [N, D]
  torch::Tensor logvar;  // [N, D]
};

class Model {
 public:
  virtual ~Model() = default;

  virtual ModelKind kind() const = 0;
  virtual int64_t latent_dim() const = 0;
  virtual ImageShape image_shape() const = 0;
  virtual OutputRange output_range() const = 0;

  // VAE: posterior of images [N, C, H, W] with values in output_range(). GAN: throws InputError.
  virtual bool can_encode() const { return kind() == ModelKind::Vae; }
  virtual Posterior encode(const torch::Tensor& images) = 0;

  // Latents [N, D] -> images [N, C, H, W] in output_range(), float32 on the CPU.
  virtual torch::Tensor decode(const torch::Tensor& z) = 0;

  // GAN with a discriminator: realism logits [N]. Otherwise throws InputError.
  virtual bool can_discriminate() const { return false; }
  virtual torch::Tensor discriminate(const torch::Tensor& images);

  virtual torch::Device device() const = 0;
  virtual void to_device(torch::Device device) = 0;
};

}  // namespace latentlab
