#pragma once
// How close a reconstruction is to its image: SSIM (Wang, Bovik, Sheikh and Simoncelli 2004)
// with the usual settings, as scikit-image's structural_similarity(gaussian_weights=True,
// sigma=1.5, use_sample_covariance=False): an 11x11 Gaussian window of sigma 1.5, K1 0.01,
// K2 0.03. Mean squared error needs no helper (torch::mse_loss).
#include <torch/types.h>

namespace latentlab {

// Mean SSIM of two images [C, H, W] (float, values in [0, data_range]): the SSIM map of each
// channel averaged over the pixels whose window lies inside the image, then over channels.
// Throws InputError when the shapes differ or a side is below 11 pixels.
double ssim(const torch::Tensor& a, const torch::Tensor& b, double data_range = 1.0);

}  // namespace latentlab
