// latentlab_train_raw: the trainer of `latentlab-cli train` for a machine with LibTorch alone (a
// CUDA box without Qt or OpenCV: the core-only build), on images given as one raw file.
//
//   latentlab_train_raw vae|gan --images FILE --shape CxHxW --out CKPT [--epochs E]
//     [--batch-size B] [--lr LR] [--latent-dim D] [--channels 32,64] [--hidden H] [--batch-norm]
//     [--beta B] [--warmup S] [--likelihood L] [--generator-width W] [--discriminator-width W]
//     [--seed S] [--resume] [--half] [--threads T] [--device D] [--name N] [--data SPEC]
//
// FILE holds N images of C x H x W bytes each, pixel-interleaved (H, W, C order, RGB), as
// `latentlab-cli` reads them from PNGs; they are mapped to the model's range as the CLI maps them
// ([-1, 1] for a DCGAN or a Gaussian VAE, [0, 1] for a Bernoulli VAE). --data is the spec the
// checkpoint records as its training data (the set the raw file was made from).
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "core/common/error.h"
#include "core/training/trainer.h"

namespace {

using namespace latentlab;

// The whole of `text` as a number, or an InputError naming it (std::stoll says only "stoll").
template <class T>
T number(const std::string& text) {
  std::istringstream in(text);
  T value{};
  if (!(in >> value) || !in.eof()) throw InputError("'" + text + "' is not a number");
  return value;
}

std::vector<int64_t> numbers(const std::string& text, char separator) {
  std::vector<int64_t> out;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, separator);) out.push_back(number<int64_t>(part));
  return out;
}

torch::Tensor read_images(const std::string& path, const ImageShape& shape, OutputRange range) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw InputError("cannot read " + path);
  const int64_t bytes = in.tellg();
  if (bytes == 0 || bytes % shape.numel() != 0)
    throw InputError(path + " holds " + std::to_string(bytes) + " bytes: not a whole number of " +
                     to_string(shape) + " images");
  auto pixels = torch::empty({bytes / shape.numel(), shape.height, shape.width, shape.channels},
                             torch::kUInt8);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(pixels.data_ptr<uint8_t>()), bytes);
  // As the CLI's image reader maps them (OpenCV's convertTo by a float 1/255, then into the
  // range), so that the same images give the same weights.
  return pixels.permute({0, 3, 1, 2})
      .to(torch::kFloat32)
      .contiguous()
      .mul_(static_cast<float>(1.0 / 255.0))
      .mul_(range.hi - range.lo)
      .add_(range.lo);
}

int run(int argc, char** argv) {
  if (argc < 2)
    throw InputError("usage: latentlab_train_raw vae|gan --images FILE ... (see the source)");
  TrainOptions o;
  o.kind = parse_model_kind(argv[1]);
  std::string images, shape_text = "3x64x64", likelihood = "bernoulli";
  const std::map<std::string, bool*> switches = {{"--resume", &o.resume},
                                                 {"--half", &o.half_precision}};
  const auto integer = [](int64_t& to) {
    return [&to](const std::string& v) { to = number<int64_t>(v); };
  };
  const auto real = [](double& to) {
    return [&to](const std::string& v) { to = number<double>(v); };
  };
  const auto text = [](std::string& to) { return [&to](const std::string& v) { to = v; }; };
  int64_t threads = 0;
  const std::map<std::string, std::function<void(const std::string&)>> valued = {
      {"--images", text(images)},
      {"--shape", text(shape_text)},
      {"--out", text(o.out)},
      {"--epochs", integer(o.epochs)},
      {"--batch-size", integer(o.batch_size)},
      {"--lr", real(o.lr)},
      {"--latent-dim", integer(o.latent_dim)},
      {"--channels", [&](const std::string& v) { o.channels = numbers(v, ','); }},
      {"--hidden", integer(o.hidden)},
      {"--beta", real(o.beta)},
      {"--warmup", integer(o.warmup_steps)},
      {"--likelihood", text(likelihood)},
      {"--generator-width", integer(o.generator_width)},
      {"--discriminator-width", integer(o.discriminator_width)},
      {"--seed", integer(o.seed)},
      {"--threads", integer(threads)},
      {"--device", text(o.device)},
      {"--name", text(o.name)},
      {"--data", text(o.data)}};
  for (int i = 2; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--batch-norm") {
      o.batch_norm = true;
    } else if (const auto s = switches.find(flag); s != switches.end()) {
      *s->second = true;
    } else if (const auto v = valued.find(flag); v != valued.end() && i + 1 < argc) {
      try {
        v->second(argv[++i]);
      } catch (const InputError& e) {
        throw InputError(flag + ": " + e.what());
      }
    } else {
      throw InputError(v == valued.end() ? "unknown flag " + flag : flag + " needs a value");
    }
  }
  o.threads = int(threads);
  const InputError bad_shape("--shape '" + shape_text + "' is not CxHxW, e.g. 3x64x64");
  std::vector<int64_t> dims;
  try {
    dims = numbers(shape_text, 'x');
  } catch (const InputError&) {
    throw bad_shape;
  }
  if (dims.size() != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1) throw bad_shape;
  o.likelihood = parse_likelihood(likelihood);
  const bool signed_range =
      o.kind == ModelKind::Gan || o.likelihood.kind == LikelihoodKind::Gaussian;
  o.output_range = signed_range ? OutputRange{-1.0f, 1.0f} : OutputRange{0.0f, 1.0f};
  if (o.data.empty()) o.data = "raw:" + images;
  for (int i = 0; i < argc; ++i) o.command += (i ? " " : "") + std::string(argv[i]);

  const auto data = read_images(images, ImageShape{dims[0], dims[1], dims[2]}, *o.output_range);
  std::cerr << images << ": " << data.size(0) << " images on " << o.device << "\n";
  o.progress = [](const TrainProgress& p) {
    if (!p.epoch_done) return;
    std::cerr << "epoch " << p.epoch << "/" << p.epochs << " " << int(p.images_per_second)
              << " img/s";
    for (const auto& [name, value] : p.losses) std::cerr << " " << name << " " << value;
    std::cerr << "\n";
  };
  const auto result = train(data, o);
  std::cerr << "done: " << result.epochs_done << " epochs in " << result.seconds << " s, "
            << int(result.images_per_second) << " img/s\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "latentlab_train_raw: " << e.what() << "\n";
    return 1;
  }
}
