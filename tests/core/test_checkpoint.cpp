// Checkpoint round trips and every way a checkpoint file can be wrong.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/checkpoint_file.h"
#include "core/io/crc32.h"
#include "core/model/gan_model.h"
#include "core/model/model_file.h"
#include "core/model/vae_model.h"
#include "tests/core/error_of.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

ModelInfo sample_info(int64_t dim) {
  ModelInfo info;
  info.name = "tiny";
  info.labels = {"a", "b"};
  info.guided_attributes = {"Smiling"};
  info.provenance.command = "latentlab-cli train vae --data x";
  info.provenance.epochs = 3;
  info.provenance.seed = 7;
  info.provenance.metrics = {{"elbo", -123.5}};
  AttributeVector smile;
  smile.direction.assign(size_t(dim), 0.25f);
  smile.method = "mean-diff";
  smile.source = "faces";
  info.attributes["Smiling"] = smile;
  GaussianMixture gmm;
  gmm.components = 1;
  gmm.dim = dim;
  gmm.weights = {1.0f};
  gmm.means.assign(size_t(dim), 0.5f);
  gmm.covariances.assign(size_t(dim * dim), 0.0f);
  for (int64_t i = 0; i < dim; ++i) gmm.covariances[size_t(i * dim + i)] = 1.0f;
  info.gmm = gmm;
  return info;
}

void expect_same_weights(NativeModel& a, NativeModel& b) {
  auto pa = a.network().named_parameters();
  auto pb = b.network().named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
  auto ba = a.network().named_buffers();
  auto bb = b.network().named_buffers();
  for (const auto& p : ba) EXPECT_TRUE(torch::equal(p.value(), bb[p.key()])) << p.key();
}

}  // namespace

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
  // zlib.crc32(b"The quick brown fox jumps over the lazy dog") in Python.
  EXPECT_EQ(crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
}

TEST(Crc32, AnySplitGivesTheSameValueAsOnePass) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(char((i * 131 + 7) % 256));
  const uint32_t whole = crc32(data);
  for (size_t cut :
       {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{500}, size_t{999}})
    EXPECT_EQ(
        crc32(std::string_view(data).substr(cut), crc32(std::string_view(data).substr(0, cut))),
        whole)
        << cut;
}

TEST(Checkpoint, VaeRoundTripIsBitExact) {
  TempDir dir;
  torch::manual_seed(0);
  ConvVaeOptions o;
  o.batch_norm = true;
  o.hidden = 8;
  o.latent_dim = 3;
  VaeModel model(o);
  // Give the batch-norm buffers non-default values so they are checked too.
  model.net()->train();
  model.net()->encode(torch::rand({4, 1, 28, 28}));
  model.net()->eval();
  const auto path = dir.file("vae.llckpt");
  save_checkpoint(path, model, sample_info(3));
  const auto loaded = load_model(path);
  auto& native = dynamic_cast<NativeModel&>(*loaded.model);
  expect_same_weights(model, native);
  const auto z = torch::randn({2, 3});
  EXPECT_TRUE(torch::equal(model.decode(z), loaded.model->decode(z)));
  EXPECT_EQ(loaded.info.name, "tiny");
  EXPECT_EQ(loaded.info.kind, ModelKind::Vae);
  EXPECT_EQ(loaded.info.latent_dim, 3);
  EXPECT_EQ(loaded.info.image_shape, (ImageShape{1, 28, 28}));
  EXPECT_EQ(loaded.info.provenance.seed, 7);
  EXPECT_EQ(loaded.info.provenance.metrics["elbo"], -123.5);
  EXPECT_EQ(loaded.info.attributes.at("Smiling").direction, std::vector<float>(3, 0.25f));
  EXPECT_EQ(loaded.info.guided_attributes, std::vector<std::string>{"Smiling"});
  ASSERT_TRUE(loaded.info.gmm.has_value());
  EXPECT_EQ(loaded.info.gmm->means, std::vector<float>(3, 0.5f));
  // Saving the same model again gives the same bytes.
  const auto again = dir.file("again.llckpt");
  save_checkpoint(again, model, sample_info(3));
  EXPECT_EQ(read_file(path), read_file(again));
}

TEST(Checkpoint, TheGmmIsStoredAsTensorsAndFormatOneFilesStillLoad) {
  TempDir dir;
  torch::manual_seed(1);
  ConvVaeOptions o;
  o.hidden = 8;
  o.latent_dim = 3;
  VaeModel model(o);
  ModelInfo info = sample_info(3);
  // Distinct numbers everywhere, so that a misplaced or transposed value shows.
  GaussianMixture& gmm = *info.gmm;
  gmm.components = 2;
  gmm.weights = {0.25f, 0.75f};
  gmm.means = {0.1f, -0.2f, 0.3f, 1.5f, -2.5f, 0.125f};
  gmm.covariances.resize(18);
  for (size_t i = 0; i < 18; ++i) gmm.covariances[i] = 0.01f * float(i + 1);
  const auto path = dir.file("vae.llckpt");
  save_checkpoint(path, model, info);

  const CheckpointFile file = read_checkpoint_file(path);
  EXPECT_EQ(file.meta.at("version"), 2);
  EXPECT_EQ(file.meta.at("model").at("gmm"),
            nlohmann::json({{"covariance_type", "full"}, {"components", 2}}));
  const auto values = [&](const char* name) {
    const auto t = file.tensors.at(name).contiguous();
    return std::vector<float>(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  };
  EXPECT_EQ(file.tensors.at("gmm/covariances").sizes(), torch::IntArrayRef({2, 3, 3}));
  EXPECT_EQ(values("gmm/weights"), gmm.weights);
  EXPECT_EQ(values("gmm/means"), gmm.means);
  EXPECT_EQ(values("gmm/covariances"), gmm.covariances);
  const auto loaded = load_model(path).info.gmm;
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->weights, gmm.weights);
  EXPECT_EQ(loaded->means, gmm.means);
  EXPECT_EQ(loaded->covariances, gmm.covariances);
  EXPECT_TRUE(read_checkpoint_extras(path).tensors.empty());  // the GMM is not training state

  // Format 1, as written before: the same numbers as JSON arrays in the header.
  CheckpointFile old = file;
  old.meta["version"] = 1;
  old.meta["model"]["gmm"] = {
      {"covariance_type", "full"}, {"components", 2},    {"dim", 3},
      {"weights", gmm.weights},    {"means", gmm.means}, {"covariances", gmm.covariances}};
  for (const char* name : {"gmm/weights", "gmm/means", "gmm/covariances"}) old.tensors.erase(name);
  const auto old_path = dir.file("old.llckpt");
  write_checkpoint_file(old_path, old);
  const auto info_of_old = load_model(old_path).info;
  ASSERT_TRUE(info_of_old.gmm.has_value());
  EXPECT_EQ(info_of_old.gmm->covariances, gmm.covariances);
  // Any update writes it in format 2.
  update_checkpoint_info(old_path, info_of_old);
  const CheckpointFile updated = read_checkpoint_file(old_path);
  EXPECT_EQ(updated.meta.at("version"), 2);
  EXPECT_FALSE(updated.meta.at("model").at("gmm").contains("means"));
  EXPECT_EQ(load_model(old_path).info.gmm->means, gmm.means);
}

TEST(Checkpoint, GanRoundTripKeepsTheDiscriminator) {
  TempDir dir;
  torch::manual_seed(1);
  DcganOptions o;
  o.latent_dim = 8;
  o.generator_width = 4;
  o.discriminator_width = 4;
  GanModel gan(o);
  const auto path = dir.file("gan.llckpt");
  save_checkpoint(path, gan, ModelInfo{});
  const auto loaded = load_model(path);
  EXPECT_EQ(loaded.info.kind, ModelKind::Gan);
  expect_same_weights(gan, dynamic_cast<NativeModel&>(*loaded.model));
  const auto x = gan.decode(torch::randn({2, 8}));
  EXPECT_TRUE(torch::equal(gan.discriminate(x), loaded.model->discriminate(x)));
}

TEST(Checkpoint, HalfPrecisionRestoresFloat32Closely) {
  TempDir dir;
  torch::manual_seed(2);
  VaeModel model(ConvVaeOptions{});
  const auto full = dir.file("full.llckpt");
  const auto half = dir.file("half.llckpt");
  save_checkpoint(full, model, ModelInfo{});
  SaveOptions options;
  options.half_precision = true;
  save_checkpoint(half, model, ModelInfo{}, options);
  EXPECT_LT(fs::file_size(half), fs::file_size(full) * 6 / 10);
  const auto loaded = load_model(half);
  for (const auto& p : loaded.model
                           ? dynamic_cast<NativeModel&>(*loaded.model).network().named_parameters()
                           : torch::OrderedDict<std::string, torch::Tensor>{}) {
    EXPECT_EQ(p.value().scalar_type(), torch::kFloat32);
    EXPECT_TRUE(
        torch::allclose(p.value(), model.network().named_parameters()[p.key()], 1e-3, 1e-4));
  }
}

// Storing analysis in a released (float16) file must not turn it back into float32.
TEST(Checkpoint, UpdatingInfoKeepsHalfPrecision) {
  TempDir dir;
  torch::manual_seed(3);
  VaeModel model(ConvVaeOptions{});
  const auto path = dir.file("half.llckpt");
  SaveOptions options;
  options.half_precision = true;
  save_checkpoint(path, model, ModelInfo{}, options);
  const auto size_before = fs::file_size(path);
  const auto before = read_checkpoint_file(path);
  ModelInfo info = load_model(path).info;
  info.name = "renamed";
  update_checkpoint_info(path, info);
  const auto after = read_checkpoint_file(path);
  EXPECT_EQ(after.float16, before.float16);
  EXPECT_FALSE(after.float16.empty());
  EXPECT_LT(fs::file_size(path), size_before + 64);  // only the name grew the header
  for (const auto& [name, tensor] : before.tensors)
    EXPECT_TRUE(torch::equal(tensor, after.tensors.at(name))) << name;
  EXPECT_EQ(load_model(path).info.name, "renamed");
}

TEST(Checkpoint, ExtrasRoundTrip) {
  TempDir dir;
  VaeModel model(ConvVaeOptions{});
  SaveOptions options;
  options.extra_tensors["train/step"] = torch::tensor({int64_t{42}});
  options.extra_meta = {{"epoch", 3}};
  const auto path = dir.file("x.llckpt");
  save_checkpoint(path, model, ModelInfo{}, options);
  const auto extras = read_checkpoint_extras(path);
  EXPECT_EQ(extras.tensors.at("train/step").item<int64_t>(), 42);
  EXPECT_EQ(extras.meta.at("epoch"), 3);
}

TEST(Checkpoint, MissingFileNamesThePath) {
  const auto message = error_of<CheckpointError>([] { load_model("/nonexistent/model.llckpt"); });
  EXPECT_NE(message.find("/nonexistent/model.llckpt"), std::string::npos) << message;
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;
}

TEST(Checkpoint, EmptyAndForeignFilesAreRejected) {
  TempDir dir;
  write_file_atomically(dir.file("empty"), "");
  EXPECT_NE(error_of<CheckpointError>([&] { load_model(dir.file("empty")); }).find("empty"),
            std::string::npos);
  write_file_atomically(dir.file("text"), "hello, I am not a model at all");
  EXPECT_NE(error_of<CheckpointError>([&] {
              load_model(dir.file("text"));
            }).find("not a LatentLab checkpoint"),
            std::string::npos);
}

TEST(Checkpoint, EveryTruncationIsRejectedWithAMessage) {
  TempDir dir;
  VaeModel model(ConvVaeOptions{});
  const auto path = dir.file("m.llckpt");
  save_checkpoint(path, model, sample_info(2));
  const std::string bytes = read_file(path);
  const auto cut = dir.file("cut.llckpt");
  // Many offsets across the header and the payload, each must fail cleanly.
  for (size_t length = 1; length < bytes.size(); length += 1 + length / 3) {
    write_file_atomically(cut, bytes.substr(0, length));
    const auto message = error_of<CheckpointError>([&] { load_model(cut); });
    EXPECT_EQ(message.rfind(cut, 0), 0u) << length << ": " << message;
  }
}

TEST(Checkpoint, FlippedPayloadByteFailsTheChecksum) {
  TempDir dir;
  VaeModel model(ConvVaeOptions{});
  const auto path = dir.file("m.llckpt");
  save_checkpoint(path, model, ModelInfo{});
  std::string bytes = read_file(path);
  bytes[bytes.size() - 100] ^= 0x40;
  write_file_atomically(path, bytes);
  EXPECT_NE(error_of<CheckpointError>([&] { load_model(path); }).find("checksum"),
            std::string::npos);
}

TEST(Checkpoint, LyingMetadataIsRejected) {
  TempDir dir;
  VaeModel model(ConvVaeOptions{});
  const auto path = dir.file("m.llckpt");
  save_checkpoint(path, model, ModelInfo{});
  const auto original = read_checkpoint_file(path);

  auto lie = [&](const std::function<void(nlohmann::json&)>& edit) {
    CheckpointFile file = original;
    edit(file.meta["model"]);
    write_checkpoint_file(path, file);
    return error_of<CheckpointError>([&] { load_model(path); });
  };
  EXPECT_NE(
      lie([](auto& m) { m["latent_dim"] = 5; }).find("but the architecture in the metadata needs"),
      std::string::npos);
  EXPECT_NE(lie([](auto& m) {
              m["image_shape"] = {1, 32, 32};
            }).find("architecture"),
            std::string::npos);
  EXPECT_NE(lie([](auto& m) { m["architecture"] = "resnet-9000"; }).find("unknown architecture"),
            std::string::npos);
  EXPECT_NE(
      lie([](auto& m) { m["hyper_parameters"]["channels"] = "wide"; }).find("hyper-parameters"),
      std::string::npos);
  EXPECT_NE(lie([](auto& m) {
              m["attributes"]["Smiling"] = {1.0, 2.0, 3.0};
            }).find("Smiling"),
            std::string::npos);
  EXPECT_NE(lie([](auto& m) { m.erase("kind"); }).find("kind"), std::string::npos);
  EXPECT_NE(lie([](auto& m) {
              m["guided_attributes"] = {"Smiling", "Bangs", "Male"};  // a latent of 2
            }).find("guided_attributes"),
            std::string::npos);
}

TEST(Checkpoint, UpdateInfoKeepsWeightsAndStoresAttributes) {
  TempDir dir;
  torch::manual_seed(3);
  VaeModel model(ConvVaeOptions{});
  const auto path = dir.file("m.llckpt");
  save_checkpoint(path, model, ModelInfo{});
  auto info = load_model(path).info;
  info.attributes = sample_info(2).attributes;
  update_checkpoint_info(path, info);
  const auto loaded = load_model(path);
  EXPECT_EQ(loaded.info.attributes.count("Smiling"), 1u);
  expect_same_weights(model, dynamic_cast<NativeModel&>(*loaded.model));
  info.latent_dim = 9;
  EXPECT_THROW(update_checkpoint_info(path, info), CheckpointError);
  EXPECT_EQ(load_model(path).info.latent_dim, 2);  // the failed update left the file alone
}

TEST(AtomicFile, UnwritableFolderIsAClearErrorAndLeavesNothing) {
  EXPECT_THROW(write_file_atomically("/nonexistent-folder/x.bin", "data"), WriteError);
  TempDir dir;
  const auto path = dir.file("x.bin");
  write_file_atomically(path, "old");
  write_file_atomically(path, "new");
  EXPECT_EQ(read_file(path), "new");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);
}
