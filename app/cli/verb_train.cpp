// latentlab-cli train vae|gan --data SPEC --out CKPT [--epochs E] [--batch-size B] [--lr LR]
//   [--latent-dim D] [--arch NAME] [--channels 32,64,128] [--hidden H] [--beta B] [--warmup S]
//   [--attribute-weight W] [--likelihood L] [--seed S] [--resume] [--limit N] [--threads T] [--name
//   NAME] [--half]
//   [--nproc N | --world-size W --rank R --master HOST:PORT]
#include <torch/torch.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <sstream>

#include "app/cli/progress_line.h"
#include "app/cli/train_launcher.h"
#include "app/cli/verbs.h"
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/model/device.h"
#include "core/training/communicator.h"
#include "core/training/trainer.h"

namespace latentlab::cli {
namespace {

// Ctrl-C stops training at the next step; the checkpoint of the last finished epoch stays.
std::atomic<bool> g_cancel{false};
extern "C" void on_interrupt(int) { g_cancel = true; }

struct TrainArgs {
  std::string kind, data, out, data_dir, arch = "auto", likelihood = "bernoulli", name,
                                         device = "cpu";
  std::string image_shape;
  int64_t epochs = 10, batch_size = 128, latent_dim = 0, hidden = -1, limit = 0, seed = 0;
  int64_t generator_width = 0, discriminator_width = 0;
  double lr = 0.0, beta = 1.0, attribute_weight = 0.0;
  int64_t warmup = 0;
  std::vector<int64_t> channels;
  bool resume = false, half = false, batch_norm = false, no_batch_norm = false;
  int threads = 0;
  int nproc = 1, world_size = 1, rank = 0;  // data parallel: see group_options
  std::string master;
};

ImageShape parse_shape(const std::string& text) {
  ImageShape s;
  char x1 = 0, x2 = 0;
  std::istringstream in(text);
  if (!(in >> s.channels >> x1 >> s.height >> x2 >> s.width) || x1 != 'x' || x2 != 'x' ||
      !in.eof() || s.channels < 1 || s.height < 1 || s.width < 1)
    throw InputError("image shape '" + text + "' is not CxHxW, e.g. 3x64x64");
  return s;
}

// "epoch 3/10 step 120/468 [######----] 2310 img/s loss 245.31 rec 231.02 kl 14.29 ETA 2m13s"
std::string progress_text(const TrainProgress& p) {
  constexpr int kBarWidth = 20;
  const int filled = p.steps_per_epoch ? int(kBarWidth * p.step / p.steps_per_epoch) : 0;
  std::ostringstream out;
  out << "epoch " << p.epoch << "/" << p.epochs << " step " << p.step << "/" << p.steps_per_epoch
      << " [" << std::string(filled, '#') << std::string(kBarWidth - filled, '-') << "] "
      << fixed(p.images_per_second, 0) << " img/s";
  static const std::pair<const char*, const char*> kShown[] = {
      {"loss", "loss"}, {"reconstruction", "rec"}, {"kl", "kl"},          {"d_loss", "D"},
      {"g_loss", "G"},  {"d_real", "D(x)"},        {"d_fake", "D(G(z))"}, {"attributes", "attr"}};
  for (const auto& [key, label] : kShown) {
    const auto it = p.losses.find(key);
    if (it != p.losses.end())
      out << " " << label << " " << fixed(it->second, it->second < 10 ? 3 : 2);
  }
  out << " ETA " << format_duration(p.eta_seconds);
  return out.str();
}

// The group this process trains in: a worker started by --nproc, one host of
// --world-size/--rank/--master (one process per host), or alone.
GroupOptions group_options(const TrainArgs& a) {
  const bool hosts = a.world_size > 1 || a.rank != 0 || !a.master.empty();
  if (a.nproc > 1 && hosts)
    throw InputError(
        "--nproc starts several processes on this host, --world-size/--rank/--master one process "
        "per host: use one or the other");
  if (auto worker = launched_worker()) {
    // Each worker of a multi-GPU host takes its own GPU.
    worker->device = a.device;
    if (resolve_device(a.device).is_cuda() && a.device.find(':') == std::string::npos)
      worker->device = "cuda:" + std::to_string(worker->rank % torch::cuda::device_count());
    return *worker;
  }
  GroupOptions g;
  g.device = a.device;
  if (!hosts) return g;
  if (a.world_size < 2 || a.master.empty())
    throw InputError(
        "training on several hosts needs --world-size W (>= 2), --rank R and "
        "--master HOST:PORT (the address of rank 0), the same on every host but R");
  g.world_size = a.world_size;
  g.rank = a.rank;
  g.master = a.master;
  return g;
}

void train_in_group(const TrainArgs& a, const CLI::App& verb, std::shared_ptr<Communicator> group) {
  const ModelKind kind = parse_model_kind(a.kind);
  const bool root = group->is_root();  // only rank 0 reports; the others speak on errors only
  TrainOptions o;
  o.kind = kind;
  o.out = a.out;
  o.epochs = a.epochs;
  o.resume = a.resume;
  o.half_precision = a.half;
  o.threads = a.threads;
  o.device = a.device;
  o.group = group;
  o.name = a.name;
  o.command = command_line();
  o.data = a.data;

  DatasetOptions data_options;
  data_options.data_dir = a.data_dir;
  data_options.limit = a.limit;
  if (a.resume) {
    const TrainState state = read_train_state(a.out, *group);
    if (state.settings.kind != kind)
      throw InputError(a.out + " holds a " + to_string(state.settings.kind) + ", not a " + a.kind);
    for (const auto* flag :
         {"--batch-size", "--lr", "--latent-dim", "--arch", "--channels", "--hidden", "--beta",
          "--warmup", "--attribute-weight", "--likelihood", "--seed", "--batch-norm",
          "--no-batch-norm", "--generator-width", "--discriminator-width", "--image-shape"})
      if (root && verb.count(flag))
        std::cerr << "note: " << flag << " is ignored with --resume: the run continues with the "
                  << "settings stored in " << a.out << "\n";
    data_options.image_shape = state.image_shape;
    data_options.output_range = state.output_range;
    if (root) std::cerr << "resuming " << a.out << " after epoch " << state.epochs_done << "\n";
  } else {
    o.batch_size = a.batch_size * group->world_size();  // --batch-size is per process, as in DDP
    o.lr = a.lr;
    o.latent_dim = a.latent_dim;
    o.arch = a.arch;
    o.channels = a.channels;
    o.hidden = a.hidden;
    if (a.batch_norm) o.batch_norm = true;
    if (a.no_batch_norm) o.batch_norm = false;
    o.generator_width = a.generator_width;
    o.discriminator_width = a.discriminator_width;
    o.beta = a.beta;
    o.warmup_steps = a.warmup;
    o.attribute_weight = a.attribute_weight;
    o.likelihood = parse_likelihood(a.likelihood);
    o.seed = a.seed;
    // Bernoulli VAEs see [0, 1]; Gaussian VAEs and DCGANs (tanh) see [-1, 1].
    const bool signed_range =
        kind == ModelKind::Gan || o.likelihood.kind == LikelihoodKind::Gaussian;
    o.output_range = signed_range ? OutputRange{-1.0f, 1.0f} : OutputRange{0.0f, 1.0f};
    data_options.output_range = *o.output_range;
    if (!a.image_shape.empty()) data_options.image_shape = parse_shape(a.image_shape);
  }

  const auto data = open_dataset(a.data, data_options);
  ProgressLine line;
  const auto images = load_all_images(*data, [&](int64_t done, int64_t total) {
    if (root)
      line.update("loading " + a.data + ": " + std::to_string(done) + "/" + std::to_string(total) +
                  " images");
    return !g_cancel.load();
  });
  if (root)
    line.print("data: " + a.data + ", " + std::to_string(images.size(0)) + " images " +
               to_string(data->image_shape()) +
               (group->world_size() > 1 ? ", " + std::to_string(group->world_size()) +
                                              " processes (" + group->backend() + ")"
                                        : std::string()));
  o.labels = data->class_names();
  o.attribute_names = data->attribute_names();

  o.cancel = &g_cancel;
  if (root)
    o.progress = [&line](const TrainProgress& p) {
      if (p.epoch_done) {
        line.print(progress_text(p));
      } else {
        line.update(progress_text(p), p.step == 1);
      }
    };
  const auto previous = std::signal(SIGINT, on_interrupt);
  TrainResult result;
  try {
    result = train(images, o, load_all_attributes(*data));
  } catch (const Cancelled&) {
    std::signal(SIGINT, previous);
    if (root)
      line.print("stopped: " + a.out + " holds the last finished epoch; continue with --resume");
    throw;
  }
  std::signal(SIGINT, previous);
  if (!root) return;
  std::ostringstream summary;
  summary << "wrote " << a.out << ": " << result.epochs_done << " epochs, "
          << fixed(result.seconds, 1) << " s, " << fixed(result.images_per_second, 0) << " img/s";
  for (const auto& [key, value] : result.info.provenance.metrics.items())
    summary << ", " << key << " " << fixed(value.get<double>(), 4);
  std::cout << summary.str() << std::endl;
}

void run(TrainArgs a, const CLI::App& verb) {
  if (a.nproc > 1 && !launched_worker()) {
    group_options(a);  // rejects --nproc with --master before starting anything
    run_local_workers(a.nproc, verb.count("--threads") > 0);
    return;
  }
  const GroupOptions options = group_options(a);
  a.device = options.device;
  const auto group = Communicator::join(options);
  try {
    train_in_group(a, verb, group);
  } catch (const Cancelled&) {
    throw;
  } catch (const std::exception& e) {
    group->record_failure(e.what());  // the other ranks name this cause in their messages
    throw;
  }
}

}  // namespace

void add_train_verb(CLI::App& app) {
  auto* verb = app.add_subcommand("train",
                                  "Train a VAE or DCGAN on a data set, with a checkpoint "
                                  "written after every epoch");
  auto a = std::make_shared<TrainArgs>();
  verb->add_option("kind", a->kind, "vae or gan")->required()->check(CLI::IsMember({"vae", "gan"}));
  verb->add_option(
          "--data", a->data,
          "Data set: fashion-mnist[:train|:test|:all], idx:IMAGES[:LABELS], folder:DIR, celeba:DIR")
      ->required();
  verb->add_option("--out", a->out, "Checkpoint to write (rewritten after every epoch)")
      ->required();
  verb->add_option("--epochs", a->epochs, "Train until this many epochs are done")
      ->default_val(10)
      ->check(CLI::PositiveNumber);
  verb->add_option("--batch-size", a->batch_size,
                   "Images per step and process (with N processes a step trains on N times as "
                   "many, as in PyTorch's DDP)")
      ->default_val(128)
      ->check(CLI::PositiveNumber);
  verb->add_option("--lr", a->lr, "Adam learning rate (default 1e-3 for a VAE, 2e-4 for a GAN)");
  verb->add_option("--latent-dim", a->latent_dim,
                   "Latent size (default: course VAE 2, deep VAE 64, DCGAN 100)");
  verb->add_option("--arch", a->arch,
                   "VAE: auto, course (conv 16,32: the classic 28x28 model) or deep (conv "
                   "32,64,128,256, hidden 256, batch norm: 64x64 faces); GAN: dcgan")
      ->default_val("auto");
  verb->add_option("--channels", a->channels, "VAE: encoder convolution widths, e.g. 32,64,128")
      ->delimiter(',');
  verb->add_option("--hidden", a->hidden, "VAE: width of the fully connected layer (0: none)");
  verb->add_flag("--batch-norm", a->batch_norm, "VAE: batch norm after each convolution");
  verb->add_flag("--no-batch-norm", a->no_batch_norm, "VAE: no batch norm");
  verb->add_option("--generator-width", a->generator_width,
                   "GAN: generator width ngf (default 64)");
  verb->add_option("--discriminator-width", a->discriminator_width,
                   "GAN: discriminator width ndf (default 64)");
  verb->add_option("--beta", a->beta, "VAE: weight of the KL term")->default_val(1.0);
  verb->add_option("--warmup", a->warmup,
                   "VAE: raise the learning rate linearly to --lr over this many first steps")
      ->default_val(0);
  verb->add_option("--attribute-weight", a->attribute_weight,
                   "VAE: read the data set's A attributes (celeba:DIR) from the first A latent "
                   "coordinates with this weight on their logistic loss (a guided VAE; 0: off)")
      ->default_val(0.0);  // negative: refused by with_defaults in one line
  verb->add_option("--likelihood", a->likelihood,
                   "VAE decoder: bernoulli (images in [0, 1]), gaussian (sum of squared errors, "
                   "sigma 1/sqrt(2), images in [-1, 1]) or gaussian:SIGMA")
      ->default_val("bernoulli");
  verb->add_option("--image-shape", a->image_shape,
                   "Resize the data to CxHxW, e.g. 3x64x64 (default: the data set's own shape)");
  verb->add_option("--seed", a->seed, "Seed of the initial weights, shuffling and noise")
      ->default_val(0);
  verb->add_flag("--resume", a->resume,
                 "Continue the run stored in --out up to --epochs, exactly as if never stopped");
  verb->add_option("--limit", a->limit, "Use at most this many images")->default_val(0);
  verb->add_option("--data-dir", a->data_dir, "Where the fashion-mnist IDX files are");
  verb->add_option("--threads", a->threads, "Intra-op threads (default: every core)")
      ->default_val(0);
  verb->add_option("--device", a->device, "cpu, cuda, cuda:N or auto")->default_val("cpu");
  verb->add_option("--name", a->name, "Model name stored in the checkpoint (default: file name)");
  verb->add_flag("--half", a->half,
                 "Store the final checkpoint as float16 without optimizer state: a small release "
                 "file that cannot be resumed");
  verb->add_option("--nproc", a->nproc,
                   "Data parallel on this host: train in N processes (Gloo; each gets an equal "
                   "share of the cores)")
      ->default_val(1)
      ->check(CLI::PositiveNumber);
  verb->add_option("--world-size", a->world_size,
                   "Data parallel over hosts: the number of processes (one per host)")
      ->default_val(1)
      ->check(CLI::PositiveNumber);
  verb->add_option("--rank", a->rank, "Data parallel over hosts: this host's rank, 0..W-1")
      ->default_val(0)
      ->check(CLI::NonNegativeNumber);
  verb->add_option("--master", a->master,
                   "Data parallel over hosts: HOST:PORT where rank 0 serves the rendezvous "
                   "(the same on every host)");
  verb->callback([a, verb] { run(*a, *verb); });
}

}  // namespace latentlab::cli
