#pragma once
// Linear projections of latents for the 2D scatter and for slider axes: PCA (principal
// directions with their explained variance, GANSpace style) and "two chosen dimensions".
#include <torch/types.h>

#include <string>
#include <vector>

namespace latentlab {

// y = (z - mean) @ components^T. Everything is float64 on the CPU.
struct Projection {
  std::string kind;                        // "pca", "dims:I,J" or "attributes:A,B"
  std::vector<std::string> axis_names;     // [k]: "PC1", "z3", an attribute's name
  torch::Tensor mean;                      // [D] subtracted before projecting (zeros for dims)
  torch::Tensor components;                // [k, D] unit rows, orthonormal (attributes: unit)
  torch::Tensor explained_variance;        // [k] variance of the data along each row
  torch::Tensor explained_variance_ratio;  // [k] that variance over the data's total variance

  int64_t dim() const { return components.size(1); }
  int64_t size() const { return components.size(0); }
  // Latents [N, D] (or [D]) -> coordinates [N, k] (or [k]), float64.
  torch::Tensor project(const torch::Tensor& latents) const;
  // The rows scaled to one standard deviation of the data along them: [k, D] float32. Moving a
  // latent by a * axes[i] moves it a standard deviations along direction i (a slider axis).
  torch::Tensor axes() const;
};

// PCA of latents [N, D] (N >= 2) keeping the top `components` directions (0 or more than D: all
// D). Rows are sorted by decreasing variance; each row's sign is fixed so that its entry of
// largest magnitude is positive, so refitting the same data gives the same axes.
// Throws InputError for fewer than 2 latents or non-finite values.
Projection fit_pca(const torch::Tensor& latents, int64_t components = 2);

// Projection onto latent dimensions i and j (unit rows e_i, e_j, no centring); the variances are
// measured on latents when it is defined (else left zero). Throws InputError for a bad index.
Projection dims_projection(int64_t latent_dim, int64_t i, int64_t j,
                           const torch::Tensor& latents = {});

// "pca" or "dims:I,J" (0-based), fitted on latents [N, D]. Throws InputError for anything else.
Projection make_projection(const std::string& spec, const torch::Tensor& latents);

}  // namespace latentlab
