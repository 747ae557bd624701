#pragma once
// Small value types shared by every part of LatentLab. No LibTorch here, so UI headers can use
// them.
#include <cstdint>
#include <string>

namespace latentlab {

enum class ModelKind { Vae, Gan };

std::string to_string(ModelKind kind);
// Throws InputError for anything but "vae" or "gan".
ModelKind parse_model_kind(const std::string& text);

struct ImageShape {
  int64_t channels = 1;
  int64_t height = 28;
  int64_t width = 28;
  int64_t numel() const { return channels * height * width; }
  bool operator==(const ImageShape& o) const {
    return channels == o.channels && height == o.height && width == o.width;
  }
  bool operator!=(const ImageShape& o) const { return !(*this == o); }
};
std::string to_string(const ImageShape& shape);  // "1x28x28"

// The value range of the model's images: [0, 1] for sigmoid decoders, [-1, 1] for tanh.
struct OutputRange {
  float lo = 0.0f;
  float hi = 1.0f;
  bool operator==(const OutputRange& o) const { return lo == o.lo && hi == o.hi; }
};

}  // namespace latentlab
