#pragma once
// Batch work on latents for the panels: interpolation paths, one batch decode to QImages, latents
// from seeds, latent files and image files. Everything that calls the model runs inside a
// BackgroundJob, never on the UI thread. LibTorch stays in the .cpp, so widgets may include this
// header.
#include <QImage>
#include <QString>
#include <vector>

namespace latentlab {
class Model;
}

namespace latentlab::ui {

class BackgroundJob;
using Latent = std::vector<float>;

// core's interpolate_path: keyframes (at least 2, all the same length) joined by `steps` frames
// per segment, both ends included, linear or spherical. Throws InputError for bad arguments.
std::vector<Latent> interpolateLatents(const std::vector<Latent>& keyframes, int steps,
                                       bool spherical);

// All latents decoded in one model call and converted like the main view's images
// (tensorToImage: the pixels the CLI writes). Throws for a latent of the wrong length.
std::vector<QImage> decodeLatents(Model& model, const std::vector<Latent>& latents);

// The latents of a latent file (.json or .npy: core's read_latents, the CLI's --z), each of dim
// values. Throws InputError "PATH: what is wrong" for a file that is not one, or of another
// latent length.
std::vector<Latent> readLatentFile(const QString& path, int dim);

// core's latents_from_seed(seed, 1, dim): the CLI's `seed:N` latent.
Latent latentFromSeed(quint64 seed, int dim);

struct EncodedImage {
  Latent latent;
  QImage original;  // the file as the model sees it: its shape, its channels
};

// The latent of an image file: a VAE's posterior mean of the file read into the model's shape
// (core's read_image); for a GAN, core's inversion (the CLI's settings: 300 steps, 4 restarts),
// reporting progress to job and stopping when it is cancelled. Throws ImageError for a file
// that is not an image, InputError for a model that can neither encode nor be inverted.
EncodedImage encodeImageFile(Model& model, const QString& path, BackgroundJob& job);

}  // namespace latentlab::ui
