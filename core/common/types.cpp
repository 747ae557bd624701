#include "core/common/types.h"

#include "core/common/error.h"

namespace latentlab {

std::string to_string(ModelKind kind) { return kind == ModelKind::Vae ? "vae" : "gan"; }

ModelKind parse_model_kind(const std::string& text) {
  if (text == "vae") return ModelKind::Vae;
  if (text == "gan") return ModelKind::Gan;
  throw InputError("unknown model kind '" + text + "' (expected vae or gan)");
}

std::string to_string(const ImageShape& shape) {
  return std::to_string(shape.channels) + "x" + std::to_string(shape.height) + "x" +
         std::to_string(shape.width);
}

}  // namespace latentlab
