#pragma once
// The exports of tests/fixtures/make_torchscript.py (run by the CTest fixture torchscript_fixtures
// with Debian's python3-torch): the TorchScript files, their reference outputs from PyTorch, and
// the checks that compare LibTorch against them.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "core/common/error.h"
#include "core/model/model_file.h"

constexpr double kParityTolerance = 1e-5;  // max abs difference to PyTorch's outputs

inline std::string fixture_dir() {
  if (const char* dir = std::getenv("LATENTLAB_TORCHSCRIPT_FIXTURES")) return dir;
  return LATENTLAB_BINARY_DIR "/torchscript-fixtures";
}

inline std::string fixture(const std::string& name) { return fixture_dir() + "/" + name; }

inline const nlohmann::json& fixture_index() {
  static const nlohmann::json j = [] {
    std::ifstream in(fixture("index.json"));
    if (!in)
      throw std::runtime_error(
          "no " + fixture("index.json") +
          ": run `ctest -R torchscript_fixtures` (or make_torchscript.py) first");
    return nlohmann::json::parse(in);
  }();
  return j;
}

// A reference tensor written by make_torchscript.py: raw little-endian float32, C order.
inline torch::Tensor reference(const std::string& name) {
  const auto& entry = fixture_index().at("tensors").at(name);
  const auto shape = entry.at("shape").get<std::vector<int64_t>>();
  std::ifstream in(fixture(entry.at("file").get<std::string>()), std::ios::binary);
  auto t = torch::empty(shape, torch::kFloat32);
  in.read(reinterpret_cast<char*>(t.data_ptr<float>()), std::streamsize(t.numel() * sizeof(float)));
  EXPECT_EQ(in.gcount(), std::streamsize(t.numel() * sizeof(float))) << name;
  return t;
}

inline double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  return (a - b).abs().max().item<double>();
}

inline void expect_parity(const std::string& what, const torch::Tensor& got,
                          const torch::Tensor& want) {
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  const double diff = max_abs_diff(got, want);
  std::printf("[ parity   ] %-32s max |C++ - PyTorch| = %.3g\n", what.c_str(), diff);
  EXPECT_LE(diff, kParityTolerance) << what;
}

// The CheckpointError message of loading path ("" and a failure when it loads).
inline std::string load_error(const std::string& path) {
  try {
    latentlab::load_model(path);
  } catch (const latentlab::CheckpointError& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " loaded without a CheckpointError";
  return "";
}
