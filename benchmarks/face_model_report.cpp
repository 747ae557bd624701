// latentlab_face_report MODEL [SEED] [COUNT] [AMOUNT] [EDITED]
// The figures a face VAE's model card keeps (issue 19), on COUNT (4000) synthetic faces of a seed
// the model never saw (SEED 3; the bundled models train on seed 1 and are evaluated on seed 2):
//   separation       per attribute, the held-out balanced accuracy (20% split) of a linear SVM
//                    and of the mean difference, on the posterior means;
//   reconstruction   mean squared error per value (pixels in [0, 1]), SSIM, and the squared error
//                    of the mouth alone (a box around each face's mouth, from its parameters);
//   disentanglement  for each stored attribute vector, how far adding AMOUNT (2) times it moves
//                    every attribute's SVM positive rate on EDITED (500) faces (decoded, encoded
//                    again, classified), plainly and with the other vectors held fixed (the GUI's
//                    "Hold other attributes fixed": core's condition_direction).
// Prints Markdown. Threads: LATENTLAB_THREADS, as for the applications (default: every core).
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/faces/face_generator.h"
#include "core/fitting/attributes.h"
#include "core/image/image_quality.h"
#include "core/model/device.h"
#include "core/model/model_file.h"

namespace {

using namespace latentlab;
constexpr int64_t kBatch = 200;

// Pixel rectangle [x0, x1) x [y0, y1) around a face's mouth: in head coordinates the widest grin
// (half width 0.115) and the deepest open mouth below the lip line, rotated and scaled with the
// head.
std::array<int64_t, 4> mouth_box(const FaceParameters& f, int size) {
  const double c = f.head_scale * std::cos(f.tilt_degrees * M_PI / 180.0);
  const double s = f.head_scale * std::sin(f.tilt_degrees * M_PI / 180.0);
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (double px : {-0.13, 0.13})
    for (double py : {f.mouth_y - 0.07, f.mouth_y + 0.11}) {
      const double x = f.center_x + c * px - s * py, y = f.center_y + s * px + c * py;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  const auto pixel = [size](double v) {
    return std::clamp<int64_t>(std::lround(v * size), 0, size);
  };
  return {pixel(x0), pixel(x1), pixel(y0), pixel(y1)};
}

torch::Tensor in_batches(int64_t n, const std::function<torch::Tensor(int64_t, int64_t)>& run) {
  std::vector<torch::Tensor> parts;
  for (int64_t b = 0; b < n; b += kBatch) parts.push_back(run(b, std::min(n, b + kBatch)));
  return torch::cat(parts);
}

struct Classifier {
  torch::Tensor normal;
  double offset = 0.0;
  double positive_rate(const torch::Tensor& z) const {
    return (z.to(torch::kFloat64).matmul(normal.to(torch::kFloat64)) > offset)
        .to(torch::kFloat64)
        .mean()
        .item<double>();
  }
};

void print_matrix(const std::string& title, const std::vector<std::string>& names,
                  const std::vector<std::vector<double>>& change) {
  std::printf("\n%s\n\n| added \\ measured |", title.c_str());
  for (const auto& n : names) std::printf(" %s |", n.c_str());
  std::printf("\n|---|");
  for (size_t i = 0; i < names.size(); ++i) std::printf("---:|");
  double off = 0.0;
  for (size_t a = 0; a < names.size(); ++a) {
    std::printf("\n| %s |", names[a].c_str());
    for (size_t b = 0; b < names.size(); ++b) {
      std::printf(a == b ? " **%+.2f** |" : " %+.2f |", change[a][b]);
      if (a != b) off += std::abs(change[a][b]);
    }
  }
  const double pairs = double(names.size() * (names.size() - 1));
  std::printf("\n\nMean |change| of the other attributes: %.3f\n", pairs > 0 ? off / pairs : 0.0);
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " MODEL [SEED] [COUNT] [AMOUNT] [EDITED]\n";
    return 2;
  }
  const auto arg = [&](int i, const char* fallback) {
    return std::string(i < argc ? argv[i] : fallback);
  };
  configure_threads();
  torch::NoGradGuard no_grad;
  const uint64_t seed = std::stoull(arg(2, "3"));
  const int64_t count = std::stoll(arg(3, "4000"));
  const double amount = std::stod(arg(4, "2"));
  const int64_t edited = std::min<int64_t>(count, std::stoll(arg(5, "500")));
  if (count < 10 || edited < 1 || !std::isfinite(amount))
    throw InputError("COUNT must be at least 10, EDITED at least 1 and AMOUNT a number");
  const auto loaded = load_model(argv[1]);
  Model& model = *loaded.model;
  const auto shape = model.image_shape();
  if (!model.can_encode() || shape.channels != 3 || shape.height != shape.width)
    throw InputError("the report needs a VAE of square RGB images");
  const int size = int(shape.height);
  const auto range = model.output_range();

  // The data set `faces:seed=S,count=N` (rendered once into the cache folder, as make-faces
  // renders); the parameters give each face's mouth box.
  DatasetOptions data_options;
  data_options.image_shape = shape;
  data_options.output_range = range;
  const auto data =
      open_dataset("faces:seed=" + std::to_string(seed) + ",count=" + std::to_string(count) +
                       ",size=" + std::to_string(size),
                   data_options);
  const auto images = load_all_images(*data);
  const auto labels = load_all_attributes(*data);
  const auto names = data->attribute_names();
  std::vector<FaceParameters> faces;
  for (int64_t i = 0; i < count; ++i) faces.push_back(sample_face_parameters(seed, i));
  const auto encode = [&](const torch::Tensor& x) {
    return in_batches(x.size(0),
                      [&](int64_t b, int64_t e) { return model.encode(x.slice(0, b, e)).mean; });
  };
  const auto decode = [&](const torch::Tensor& z) {
    return in_batches(z.size(0),
                      [&](int64_t b, int64_t e) { return model.decode(z.slice(0, b, e)); });
  };
  const auto z = encode(images);
  std::printf("## %s on %lld held-out faces of seed %llu\n\n", argv[1], (long long)count,
              (unsigned long long)seed);

  std::printf(
      "| attribute | linear SVM balanced accuracy | mean-diff balanced accuracy | positives |\n");
  std::printf("|---|---:|---:|---:|\n");
  std::map<std::string, Classifier> classifiers;
  for (size_t a = 0; a < names.size(); ++a) {
    const auto y = labels.select(1, int64_t(a));
    const auto boundary = fit_linear_boundary(z, y);
    classifiers[names[a]] = {boundary.normal, boundary.offset};
    const auto [accuracy, balanced] = mean_difference_accuracy(z, y);
    std::printf("| %s | %.3f | %.3f | %lld |\n", names[a].c_str(), boundary.balanced_accuracy,
                balanced, (long long)(y > 0).sum().item<int64_t>());
  }

  // Reconstructions of the posterior means, compared in [0, 1] units.
  const auto unit = [&](const torch::Tensor& x) { return (x - range.lo) / (range.hi - range.lo); };
  const auto original = unit(images), restored = unit(decode(z)).clamp(0, 1);
  const double mse = (restored - original).square().mean().item<double>();
  double ssim_total = 0.0, mouth_error = 0.0;
  int64_t mouth_values = 0;
  for (int64_t i = 0; i < count; ++i) {
    ssim_total += ssim(original[i], restored[i]);
    const auto [x0, x1, y0, y1] = mouth_box(faces[size_t(i)], size);
    const auto diff = (restored[i] - original[i]).slice(1, y0, y1).slice(2, x0, x1);
    mouth_error += diff.square().sum().item<double>();
    mouth_values += diff.numel();
  }
  std::printf("\n| reconstruction of the %lld faces | value |\n|---|---:|\n", (long long)count);
  std::printf("| MSE per value (pixels in [0, 1]) | %.5f |\n| SSIM | %.4f |\n", mse,
              ssim_total / double(count));
  std::printf("| MSE per value, mouth box (%.0f pixels a face on average) | %.5f |\n",
              double(mouth_values) / 3.0 / double(count), mouth_error / double(mouth_values));

  // Disentanglement: positive rates after an edit minus those of the unedited faces, both decoded
  // and encoded again so that the round trip itself is not counted.
  std::vector<std::string> stored;
  std::vector<torch::Tensor> directions;
  for (const auto& name : names)
    if (auto it = loaded.info.attributes.find(name); it != loaded.info.attributes.end()) {
      stored.push_back(name);
      directions.push_back(torch::tensor(it->second.direction));
    }
  const auto base = z.slice(0, 0, edited);
  const auto round_trip = encode(decode(base));
  for (bool hold : {false, true}) {
    std::vector<std::vector<double>> change(stored.size(), std::vector<double>(stored.size()));
    for (size_t a = 0; a < stored.size(); ++a) {
      std::vector<torch::Tensor> others;
      for (size_t b = 0; b < stored.size(); ++b)
        if (b != a) others.push_back(directions[b]);
      const auto d = hold ? condition_direction(directions[a], others) : directions[a];
      const auto moved = encode(decode(base + amount * d.unsqueeze(0)));
      for (size_t b = 0; b < stored.size(); ++b) {
        const auto& c = classifiers.at(stored[b]);
        change[a][b] = c.positive_rate(moved) - c.positive_rate(round_trip);
      }
    }
    print_matrix(std::string("Change of each attribute's SVM positive rate on ") +
                     std::to_string(edited) + " faces when " + std::to_string(amount).substr(0, 4) +
                     " x the stored vector is added" +
                     (hold ? ", the other vectors held fixed:" : ":"),
                 stored, change);
  }
  return 0;
} catch (const std::exception& e) {
  std::cerr << "latentlab_face_report: " << e.what() << "\n";
  return 1;
}
