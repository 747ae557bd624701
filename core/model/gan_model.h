#pragma once
#include "core/model/dcgan.h"
#include "core/model/native_model.h"

namespace latentlab {

// Generator and discriminator kept together so one checkpoint holds both.
struct GanNetworkImpl : torch::nn::Module {
  explicit GanNetworkImpl(const DcganOptions& options);
  DcganGenerator generator{nullptr};
  DcganDiscriminator discriminator{nullptr};
};
TORCH_MODULE(GanNetwork);

// The built-in DCGAN behind the Model interface.
class GanModel : public NativeModel {
 public:
  static constexpr const char* kArchitecture = "dcgan";

  explicit GanModel(const ArchitectureSpec& spec);
  GanModel(const DcganOptions& options);

  ModelKind kind() const override { return ModelKind::Gan; }
  Posterior encode(const torch::Tensor& images) override;  // throws: a GAN has no encoder
  torch::Tensor decode(const torch::Tensor& z) override;
  bool can_discriminate() const override { return true; }
  torch::Tensor discriminate(const torch::Tensor& images) override;
  torch::nn::Module& network() override { return *net_; }

  GanNetwork& net() { return net_; }

 private:
  GanNetwork net_{nullptr};
};

DcganOptions dcgan_options(const ArchitectureSpec& spec);
ArchitectureSpec architecture_spec(const DcganOptions& options);

}  // namespace latentlab
