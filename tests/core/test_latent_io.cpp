// Latents in JSON and .npy: formats read back exactly, numpy's bytes, every bad file rejected.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/latent_io.h"
#include "tests/core/error_of.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

// numpy 1.24 np.save output: magic, version 1.0, header length 118 (0x76), the dict padded with
// spaces to 117 characters plus '\n', then the data (the whole header is 128 bytes).
std::string numpy_file(const std::string& dict, const void* data, size_t size) {
  std::string header = dict;
  header.append(117 - header.size(), ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00\x76\x00", 10);
  out += header;
  out.append(static_cast<const char*>(data), size);
  return out;
}

std::string numpy_f4_2x3() {
  const float v[] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 2.5f};
  return numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", v, sizeof v);
}

}  // namespace

TEST(LatentIo, ReadsNumpyFloat32AndFloat64) {
  TempDir dir;
  const auto f4 = dir.file("a.npy");
  write_file_atomically(f4, numpy_f4_2x3());
  ASSERT_EQ(read_file(f4).size(), 152u);  // the size numpy wrote
  const auto a = read_latents(f4, 3);
  EXPECT_TRUE(torch::equal(a, torch::arange(6, torch::kFloat32).reshape({2, 3}) * 0.5));

  const double v[] = {1.5, -2.25, 3.0};
  const auto f8 = dir.file("b.npy");
  write_file_atomically(
      f8, numpy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", v, sizeof v));
  const auto b = read_latents(f8, 3);
  EXPECT_EQ(b.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(b, torch::tensor({{1.5f, -2.25f, 3.0f}})));
}

TEST(LatentIo, WritesTheSameBytesAsNumpy) {
  EXPECT_EQ(encode_npy(torch::arange(6, torch::kFloat32).reshape({2, 3}) * 0.5), numpy_f4_2x3());
}

TEST(LatentIo, ReadsJsonVectorAndArrayOfVectors) {
  TempDir dir;
  write_file_atomically(dir.file("one.json"), "[1, 2.5, -3e-2]");
  EXPECT_TRUE(
      torch::equal(read_latents(dir.file("one.json"), 3), torch::tensor({{1.0f, 2.5f, -0.03f}})));
  write_file_atomically(dir.file("two.json"), "[[1, 2], [3, 4]]");
  EXPECT_TRUE(torch::equal(read_latents(dir.file("two.json"), 2),
                           torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}})));
}

TEST(LatentIo, RoundTripsAreExact) {
  TempDir dir;
  torch::manual_seed(0);
  const auto z = torch::randn({7, 5}) * torch::logspace(-20, 20, 5);
  for (const char* name : {"z.npy", "z.json", "Z.NPY"}) {
    write_latents(dir.file(name), z);
    EXPECT_TRUE(torch::equal(read_latents(dir.file(name), 5), z)) << name;
  }
  // A single [D] vector is written as one row.
  write_latents(dir.file("v.json"), z[0]);
  EXPECT_TRUE(torch::equal(read_latents(dir.file("v.json"), 5), z.narrow(0, 0, 1)));
  // Only the written files: no temporary left over.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 4);
}

TEST(LatentIo, BadFilesNameThePathAndTheProblem) {
  TempDir dir;
  auto check = [&](const std::string& name, const std::string& bytes, const std::string& problem,
                   int64_t dim = 3) {
    const auto path = dir.file(name);
    write_file_atomically(path, bytes);
    const auto message = error_of<InputError>([&] { read_latents(path, dim); });
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(problem), std::string::npos) << name << ": " << message;
  };
  check("empty.json", "", "empty file");
  check("bad.json", "[1, 2,", "not valid JSON");
  check("obj.json", "{\"z\": [1, 2, 3]}", "expected a JSON array");
  check("short.json", "[1, 2]", "have 2 values, the model needs 3");
  check("ragged.json", "[[1, 2, 3], [1, 2]]", "latent 1 has 2 numbers");
  check("text.json", "[1, \"a\", 3]", "is not a number");
  check("bool.json", "[1, true, 3]", "is not a number");
  check("inf.json", "[1, 1e999, 3]", "number overflow");
  check("big.json", "[1, 1e300, 3]", "outside float range");
  check("nested.json", "[[[1, 2, 3]]]", "is not a number");
  check("empty_array.json", "[]", "expected a JSON array");

  const std::string good = numpy_f4_2x3();
  check("cut.npy", good.substr(0, good.size() - 1), "truncated .npy file");
  check("cut_header.npy", good.substr(0, 60), "truncated .npy file");
  check("tiny.npy", good.substr(0, 8), "truncated .npy file");
  check("long.npy", good + "xx", "2 unexpected bytes");
  check("notnpy.npy", "[1, 2, 3]", "not a .npy file");
  const int32_t ints[] = {1, 2, 3};
  check("int.npy",
        numpy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", ints, 12),
        "dtype '<i4'");
  check("be.npy", numpy_file("{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }", ints, 12),
        "big-endian");
  check("fortran.npy",
        numpy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (3,), }", ints, 12),
        "Fortran");
  check("3d.npy",
        numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 3), }", ints, 12),
        "3 dimensions");
  check("garbled.npy", numpy_file("{'descr': '<f4', 'shape': (3,), 'x': 1}", ints, 12),
        "malformed .npy header");
  check("huge.npy",
        numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (4000000000, 4000000000), }",
                   ints, 12),
        "too large");
  check("zero.npy",
        numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", ints, 0),
        "holds no latents");
  const float nan3[] = {1.0f, NAN, 2.0f};
  check("nan.npy",
        numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", nan3, 12),
        "NaN or Inf");

  const auto missing = error_of<InputError>([&] { read_latents(dir.file("missing.json"), 3); });
  EXPECT_NE(missing.find("missing.json"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no such file"), std::string::npos) << missing;
}

TEST(LatentIo, WriteRejectsBadInput) {
  TempDir dir;
  EXPECT_THROW(write_latents(dir.file("z.txt"), torch::zeros({1, 3})), InputError);
  EXPECT_THROW(write_latents(dir.file("z.npy"), torch::tensor({1.0f, NAN})), InputError);
  EXPECT_THROW(write_latents(dir.file("z.npy"), torch::zeros({1, 1, 3})), InputError);
  EXPECT_THROW(write_latents(dir.file("no/such/folder/z.npy"), torch::zeros({1, 3})), WriteError);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}
