#include "core/model.h"

#include "core/error.h"

namespace latentlab {

torch::Tensor Model::discriminate(const torch::Tensor&) {
  throw InputError("this model has no discriminator");
}

}  // namespace latentlab
