#include "core/model/inference_plan.h"

#include <torch/torch.h>

#include "core/common/torch_compat.h"
#include "core/model/batch_norm_folding.h"
#include "core/model/few_output_conv.h"
#include "core/model/subpixel_conv.h"

namespace latentlab {
namespace {

enum class Op { Module, Conv, ConvTranspose, Linear };
enum class Activation { None, Relu, LeakyRelu, Tanh, Sigmoid };

using torch::nn::BatchNorm2dImpl;
using torch::nn::Conv2dImpl;
using torch::nn::ConvTranspose2dImpl;
using torch::nn::LinearImpl;

template <typename Options>
bool has_plain_padding(const Options& o) {
  return torch_compat::holds_alternative<torch::ExpandingArray<2>>(o.padding()) &&
         torch_compat::holds_alternative<torch::enumtype::kZeros>(o.padding_mode());
}

template <typename Options>
std::vector<int64_t> padding_of(const Options& o) {
  const auto& p = torch_compat::get<torch::ExpandingArray<2>>(o.padding());
  return {(*p)[0], (*p)[1]};
}

// The activation a layer is, with its slope for LeakyReLU; None for any other layer.
Activation activation_of(const torch::nn::Module& module, double* slope) {
  if (module.as<torch::nn::ReLUImpl>()) return Activation::Relu;
  if (auto* leaky = module.as<torch::nn::LeakyReLUImpl>()) {
    *slope = leaky->options.negative_slope();
    return Activation::LeakyRelu;
  }
  if (module.as<torch::nn::TanhImpl>()) return Activation::Tanh;
  if (module.as<torch::nn::SigmoidImpl>()) return Activation::Sigmoid;
  return Activation::None;
}

// Whether a batch norm can be folded: in eval mode it normalises with its running statistics.
bool foldable(const BatchNorm2dImpl& bn) {
  return bn.options.track_running_stats() && bn.running_mean.defined() && bn.running_var.defined();
}

// Measured per layer (docs/performance.md, "Batch 1: the sub-pixel rewrite per layer"): the
// sub-pixel rewrite wins for batches, and for one image once the input map has 16x16 pixels or
// more (the faces-vae's 16-channel layer at 32x32: 0.19 ms against LibTorch's 0.45 ms on one
// thread), on one thread or two; on the small early maps of one image LibTorch's own transposed
// convolution is as fast or faster (256 channels at 4x4: 0.40 against 0.48 ms). A deterministic
// rule of the shapes, so a latent decodes to the same values in every run. On a GPU, cuDNN's
// transposed convolution is kept.
bool prefer_subpixel(const torch::Tensor& input) {
  return input.device().is_cpu() && (input.size(0) > 1 || input.size(2) * input.size(3) >= 256);
}

}  // namespace

struct InferencePlan::Step {
  Op op = Op::Module;
  size_t layer = 0;  // index in the Sequential (Op::Module)
  torch::Tensor weight, bias;
  torch::Tensor subpixel;    // ConvTranspose: the 2x2 convolution weight, when convertible
  bool few_outputs = false;  // Conv: a 3x3 one to 1-4 channels (core/model/few_output_conv.h)
  std::vector<int64_t> stride, padding, dilation, output_padding;
  int64_t groups = 1;
  Activation activation = Activation::None;
  double slope = 0.0;
};

torch::Tensor InferencePlan::forward(torch::nn::Sequential& layers, torch::Tensor x) {
  if (layers->is_training() || torch::GradMode::is_enabled()) return layers->forward(x);
  std::shared_ptr<const Prepared> plan;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!prepared_ || !still_valid(*prepared_, layers)) prepared_ = prepare(layers);
    plan = prepared_;
  }
  for (const Step& s : plan->steps) {
    switch (s.op) {
      case Op::Module:
        x = (layers->begin() + std::ptrdiff_t(s.layer))->forward(x);
        break;
      case Op::Conv:
        x = s.few_outputs && x.is_cpu() && x.scalar_type() == torch::kFloat32
                ? few_output_conv3x3(x, s.weight, s.bias)
                : torch::conv2d(x, s.weight, s.bias, s.stride, s.padding, s.dilation, s.groups);
        break;
      case Op::ConvTranspose:
        x = s.subpixel.defined() && prefer_subpixel(x)
                ? subpixel_conv_transpose(x, s.subpixel, s.bias)
                : torch::conv_transpose2d(x, s.weight, s.bias, s.stride, s.padding,
                                          s.output_padding, s.groups, s.dilation);
        break;
      case Op::Linear:
        x = torch::linear(x, s.weight, s.bias);
        break;
    }
    switch (s.activation) {
      case Activation::None:
        break;
      case Activation::Relu:
        x.relu_();
        break;
      case Activation::LeakyRelu:
        torch::leaky_relu_(x, s.slope);
        break;
      case Activation::Tanh:
        x.tanh_();
        break;
      case Activation::Sigmoid:
        x.sigmoid_();
        break;
    }
  }
  return x;
}

std::shared_ptr<const InferencePlan::Prepared> InferencePlan::prepare(
    torch::nn::Sequential& layers) {
  torch::NoGradGuard no_grad;
  auto plan = std::make_shared<Prepared>();
  plan->layer_count = layers->size();
  const auto remember = [&plan](const torch::Tensor& t) {
    if (t.defined())
      plan->sources.push_back({&t, t.unsafeGetTensorImpl(), t.data_ptr(), t._version()});
  };
  for (size_t i = 0; i < layers->size(); ++i) {
    Step s;
    s.layer = i;
    const auto module = layers->ptr(i);
    int64_t channel_dim = -1;  // the weight's output-channel dimension, for folding
    if (auto* conv = module->as<Conv2dImpl>(); conv && has_plain_padding(conv->options)) {
      s.op = Op::Conv;
      s.weight = conv->weight;
      s.bias = conv->bias;
      s.stride = {(*conv->options.stride())[0], (*conv->options.stride())[1]};
      s.padding = padding_of(conv->options);
      s.dilation = {(*conv->options.dilation())[0], (*conv->options.dilation())[1]};
      s.groups = conv->options.groups();
      channel_dim = 0;  // [Cout, Cin, kh, kw]
      remember(conv->weight);
      remember(conv->bias);
    } else if (auto* up = module->as<ConvTranspose2dImpl>();
               up && has_plain_padding(up->options) && up->options.groups() == 1) {
      s.op = Op::ConvTranspose;
      s.weight = up->weight;
      s.bias = up->bias;
      s.stride = {(*up->options.stride())[0], (*up->options.stride())[1]};
      s.padding = padding_of(up->options);
      s.dilation = {(*up->options.dilation())[0], (*up->options.dilation())[1]};
      s.output_padding = {(*up->options.output_padding())[0], (*up->options.output_padding())[1]};
      channel_dim = 1;  // [Cin, Cout, kh, kw]
      remember(up->weight);
      remember(up->bias);
    } else if (auto* linear = module->as<LinearImpl>()) {
      s.op = Op::Linear;
      s.weight = linear->weight;
      s.bias = linear->bias;
      remember(linear->weight);
      remember(linear->bias);
    }
    const size_t count = layers->size();
    auto* bn = i + 1 < count ? layers->ptr(i + 1)->as<BatchNorm2dImpl>() : nullptr;
    if (channel_dim >= 0 && bn && foldable(*bn)) {
      auto folded = fold_batch_norm(s.weight, s.bias, bn->weight, bn->bias, bn->running_mean,
                                    bn->running_var, bn->options.eps(), channel_dim);
      s.weight = std::move(folded.weight);
      s.bias = std::move(folded.bias);
      // A training-mode forward updates the running statistics inside the kernel, which leaves
      // their version counters alone; it also adds 1 to num_batches_tracked, which does not.
      for (const auto* t :
           {&bn->weight, &bn->bias, &bn->running_mean, &bn->running_var, &bn->num_batches_tracked})
        remember(*t);
      ++i;  // the batch norm is done
    }
    if (s.op == Op::ConvTranspose && is_subpixel_convertible(*module->as<ConvTranspose2dImpl>()))
      s.subpixel = subpixel_weight(s.weight);
    s.few_outputs = s.op == Op::Conv &&
                    is_few_output_conv3x3(s.weight, s.stride, s.padding, s.dilation, s.groups);
    if (s.op != Op::Module && i + 1 < count) {
      s.activation = activation_of(*layers->ptr(i + 1), &s.slope);
      if (s.activation != Activation::None) ++i;  // applied in place on this step's output
    }
    plan->steps.push_back(std::move(s));
  }
  return plan;
}

bool InferencePlan::still_valid(const Prepared& prepared, const torch::nn::Sequential& layers) {
  if (prepared.layer_count != layers->size()) return false;
  for (const Source& s : prepared.sources) {
    const torch::Tensor& t = *s.member;
    if (!t.defined() || t.unsafeGetTensorImpl() != s.impl || t.data_ptr() != s.data ||
        t._version() != s.version)
      return false;
  }
  return true;
}

}  // namespace latentlab
