#pragma once
// Attribute axes: a 2D projection whose axes mean something. x runs along one attribute vector
// ("Smiling" left to right) and y along another ("Beard" bottom to top), or, given one
// attribute, along its best orthogonal partner: the direction of the data's largest variance
// at right angles to it.
#include <torch/types.h>

#include <map>
#include <optional>
#include <string>

#include "core/analysis/projection.h"

namespace latentlab {

// A named latent direction (an attribute vector, [D]).
struct NamedDirection {
  std::string name;
  torch::Tensor direction;
};

// Rows: the unit directions of x and y; the mean of latents [N, D] (N >= 2) is subtracted, so a
// coordinate is how far a latent lies along the attribute from the data's centre, in latent
// units. Two attributes need not be orthogonal (each coordinate is read along its own
// attribute), but must not be parallel. Without y, the second row is the first principal axis
// of the latents with their x component removed, named "PC1 ⊥ NAME". kind "attributes:X,Y" (or
// "attributes:X"), axis_names the two names, explained_variance the data's variance along each
// row. Throws InputError for a zero, mis-sized or non-finite direction or parallel directions.
Projection attribute_axes(const NamedDirection& x, const std::optional<NamedDirection>& y,
                          const torch::Tensor& latents);

// "attributes:A,B" or "attributes:A", the names looked up in `directions`. Throws InputError for
// another spec or an unknown name (listing the known ones).
Projection attribute_projection(const std::string& spec,
                                const std::map<std::string, torch::Tensor>& directions,
                                const torch::Tensor& latents);

}  // namespace latentlab
