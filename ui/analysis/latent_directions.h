#pragma once
// What the Latent panel needs to order its sliders and to offer PCA axes (GANSpace style),
// computed from the model off the UI thread. Plain std/Qt values: no LibTorch in this header.
#include <QString>
#include <vector>

namespace latentlab {
class Model;
struct ModelInfo;
}  // namespace latentlab

namespace latentlab::ui {

struct LatentDirections {
  std::vector<double> activity;  // per dimension; larger = more active
  QString
      activitySource;  // "posterior-variance" or "decoder-sensitivity" (core/fitting/latent_axes.h)

  // PCA axes, empty when the model has none (a GAN without a GMM). A latent is
  // z = pcaMean + sum_i c_i * pcaAxes[i], with c_i in standard deviations of the data along axis i.
  std::vector<float> pcaMean;               // D
  std::vector<std::vector<float>> pcaAxes;  // D rows of D floats, each one standard deviation long
  std::vector<double> pcaVarianceRatio;     // D, the share of the latent variance along each axis
  QString pcaSource;                        // "gmm" or "encoded-prior"

  bool hasPca() const { return !pcaAxes.empty(); }
  // z -> c (axes of ~zero length get 0) and c -> z, as above.
  std::vector<double> toAxisCoordinates(const std::vector<float>& z) const;
  std::vector<float> fromAxisCoordinates(const std::vector<double>& c) const;
};

// Where a model's sliders start and Reset returns to: the mean of the GMM stored with the model
// (the data's mean in latent space) when it has one, else the prior sample of seed 0 (the
// interpolation dock's first seed). Not 0, the prior's mean: the data rarely lies near the
// origin, and a GAN decodes z = 0 to a flat, noisy square.
std::vector<float> homeLatent(const ModelInfo* info, int dimensions);

// How far each dimension's slider reaches, symmetric about 0: at least `least`, and far enough
// for the data's mean +- 3 standard deviations there (of the stored GMM, rounded up to 0.5). A
// VAE whose posteriors are wider than the prior puts data latents beyond +-3.
std::vector<double> sliderRanges(const ModelInfo* info, int dimensions, double least);

// Runs core's latent_activity and a PCA of core's axis_latents. Call it from a BackgroundJob: it
// decodes (and for a VAE without a GMM, encodes) about a thousand images.
LatentDirections computeLatentDirections(Model& model, const ModelInfo& info);

}  // namespace latentlab::ui
