#include "core/model/model.h"

#include "core/common/error.h"

namespace latentlab {

torch::Tensor Model::discriminate(const torch::Tensor&) {
  throw InputError("this model has no discriminator");
}

}  // namespace latentlab
