#pragma once
// Constants of the densities core evaluates (the VAE's Gaussian likelihood, the GMM).

namespace latentlab {

inline constexpr double kLog2Pi = 1.8378770664093454835606594728112;  // log(2 pi)

}  // namespace latentlab
