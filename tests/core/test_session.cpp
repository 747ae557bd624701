// GUI session files: an exact round trip, the JSON layout, and every kind of bad file refused
// with a message that says what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/session.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
using nlohmann::json;

namespace {

Session example() {
  Session s;
  s.model_path = "/models/fashion-vae.llckpt";
  // Values whose shortest decimal is long, a subnormal and the largest float: all must survive.
  s.latent = {0.1f, -1.0f / 3.0f, 1e-40f, std::numeric_limits<float>::max(), 0.0f};
  s.attributes = {{"Smiling", 1.25f}, {"Beard", -0.7f}};
  s.endpoint_a = std::vector<float>{1, 2, 3, 4, 5};
  s.steps = 7;
  s.method = "slerp";
  s.smooth_scaling = true;
  return s;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

std::string error_of(const json& j) {
  try {
    session_from_json(j);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no InputError";
}

}  // namespace

TEST(Session, RoundTripsEveryFieldExactly) {
  TempDir dir;
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  Session s = example();
  for (int i = 0; i < 200; ++i) s.latent.push_back(normal(rng));
  s.endpoint_a = std::vector<float>(s.latent.size(), 0.5f);
  s.endpoint_b = s.latent;
  write_session(dir.file("s.json"), s);
  const Session r = read_session(dir.file("s.json"));
  EXPECT_EQ(r.model_path, s.model_path);
  EXPECT_TRUE(same_bits(r.latent, s.latent));
  EXPECT_EQ(r.attributes, s.attributes);
  ASSERT_TRUE(r.endpoint_a && r.endpoint_b);
  EXPECT_TRUE(same_bits(*r.endpoint_a, *s.endpoint_a));
  EXPECT_TRUE(same_bits(*r.endpoint_b, *s.endpoint_b));
  EXPECT_EQ(r.steps, 7);
  EXPECT_EQ(r.method, "slerp");
  EXPECT_TRUE(r.smooth_scaling);
}

TEST(Session, WritesTheDocumentedLayout) {
  TempDir dir;
  Session s = example();
  s.endpoint_a.reset();
  s.endpoint_b = std::vector<float>(5, 2.0f);
  write_session(dir.file("s.json"), s);
  const json j = json::parse(read_file(dir.file("s.json")));
  EXPECT_EQ(j["latentlab_session"], 1);
  EXPECT_EQ(j["model"], "/models/fashion-vae.llckpt");
  EXPECT_EQ(j["latent"].size(), 5u);
  EXPECT_EQ(j["latent"][0].get<double>(), double(0.1f));
  EXPECT_EQ(j["attributes"]["Smiling"], 1.25);
  EXPECT_TRUE(j["interpolation"]["a"].is_null());
  EXPECT_EQ(j["interpolation"]["b"], json::array({2.0, 2.0, 2.0, 2.0, 2.0}));
  EXPECT_EQ(j["interpolation"]["steps"], 7);
  EXPECT_EQ(j["interpolation"]["method"], "slerp");
  EXPECT_EQ(j["view"]["smooth_scaling"], true);
}

TEST(Session, OptionalPartsTakeTheirDefaults) {
  const Session s =
      session_from_json({{"latentlab_session", 1}, {"model", "m.llckpt"}, {"latent", {1, 2}}});
  EXPECT_EQ(s.latent, (std::vector<float>{1, 2}));
  EXPECT_TRUE(s.attributes.empty());
  EXPECT_FALSE(s.endpoint_a || s.endpoint_b);
  EXPECT_EQ(s.steps, 10);
  EXPECT_EQ(s.method, "lerp");
  EXPECT_FALSE(s.smooth_scaling);
  // "linear"/"spherical" are accepted and stored in their short form.
  json j = to_json(s);
  j["interpolation"]["method"] = "spherical";
  EXPECT_EQ(session_from_json(j).method, "slerp");
}

TEST(Session, RefusesBadContentSayingWhatIsWrong) {
  const json good = to_json(example());
  auto with = [&](const std::string& pointer, const json& value) {
    json j = good;
    j[json::json_pointer(pointer)] = value;
    return error_of(j);
  };
  EXPECT_NE(error_of(json::array()).find("not a LatentLab session"), std::string::npos);
  EXPECT_NE(with("/latentlab_session", 99).find("unsupported session version 99"),
            std::string::npos);
  EXPECT_NE(with("/model", 3).find("'model'"), std::string::npos);
  EXPECT_NE(with("/latent", json::array()).find("latent must be a non-empty array"),
            std::string::npos);
  EXPECT_NE(with("/latent/2", "x").find("latent value 2 is not a number"), std::string::npos);
  EXPECT_NE(with("/latent/1", 1e39).find("latent value 1 is not a finite float"),
            std::string::npos);
  EXPECT_NE(with("/attributes", json::array()).find("'attributes' must be an object"),
            std::string::npos);
  EXPECT_NE(with("/attributes/Smiling", "big").find("attribute 'Smiling'"), std::string::npos);
  EXPECT_NE(with("/interpolation/a", {1, 2}).find("endpoint a has 2 values, the latent has 5"),
            std::string::npos);
  EXPECT_NE(with("/interpolation/b/0", nullptr).find("endpoint b value 0 is not a number"),
            std::string::npos);
  EXPECT_NE(with("/interpolation/steps", 1).find("steps must be an integer from 2 to 1000"),
            std::string::npos);
  EXPECT_NE(with("/interpolation/steps", 2.5).find("steps must be an integer"), std::string::npos);
  EXPECT_NE(with("/interpolation/method", "cubic").find("cubic"), std::string::npos);
  EXPECT_NE(with("/view/smooth_scaling", 1).find("smooth_scaling"), std::string::npos);
}

TEST(Session, BadFilesNameThePath) {
  TempDir dir;
  auto error_reading = [&](const std::string& name, const std::string& bytes) {
    const auto path = dir.file(name);
    if (!bytes.empty()) write_file_atomically(path, bytes);
    try {
      read_session(path);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no InputError");
  };
  const auto missing = error_reading("missing.json", "");
  EXPECT_NE(missing.find("missing.json"), std::string::npos) << missing;
  const auto truncated = error_reading("cut.json", to_json(example()).dump().substr(0, 40));
  EXPECT_NE(truncated.find("cut.json: not valid JSON"), std::string::npos) << truncated;
  // JSON has no NaN; a file that writes one is not JSON.
  const auto nan =
      error_reading("nan.json", R"({"latentlab_session": 1, "model": "m", "latent": [NaN]})");
  EXPECT_NE(nan.find("nan.json: not valid JSON"), std::string::npos) << nan;
  const auto lying =
      error_reading("short.json", R"({"latentlab_session": 1, "model": "m", "latent": [1, 2],
      "interpolation": {"a": [1, 2, 3]}})");
  EXPECT_NE(lying.find("short.json: interpolation endpoint a has 3 values"), std::string::npos)
      << lying;
}

TEST(Session, ChecksTheLatentLengthAgainstAModel) {
  const Session s = example();
  EXPECT_NO_THROW(check_session_fits(s, 5));
  try {
    check_session_fits(s, 16);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "the session's latent has 5 values, the model's latent has 16");
  }
}

TEST(Session, AnUnwritablePathThrowsWriteError) {
  EXPECT_THROW(write_session("/nonexistent-folder/s.json", example()), WriteError);
}

TEST(Session, IsSessionFileTellsSessionsFromLatentFiles) {
  TempDir dir;
  const auto file = [&](const std::string& name, const std::string& bytes) {
    write_file_atomically(dir.file(name), bytes);
    return dir.file(name);
  };
  Session s = example();
  s.latent.assign(100000, 0.5f);  // the key comes after a long latent in the written layout
  s.endpoint_a.reset();
  write_session(dir.file("written.json"), s);
  EXPECT_TRUE(is_session_file(dir.file("written.json")));
  EXPECT_TRUE(is_session_file(file("key_only.json", R"({"latentlab_session": 1)")));  // cut after
  EXPECT_FALSE(is_session_file(file("latent.json", "[1, 2, 3]")));
  EXPECT_FALSE(is_session_file(file("rows.json", "[[1, 2], [3, 4]]")));
  EXPECT_FALSE(is_session_file(file("object.json", R"({"latent": [1, 2]})")));
  EXPECT_FALSE(is_session_file(file("nested.json", R"({"a": {"latentlab_session": 1}})")));
  EXPECT_FALSE(is_session_file(file("number.json", "1")));
  EXPECT_FALSE(is_session_file(file("empty.json", "")));
  EXPECT_FALSE(is_session_file(file("text.json", "not json")));
  EXPECT_FALSE(is_session_file(file("deep.json", std::string(100000, '['))));
  EXPECT_FALSE(is_session_file(dir.file("missing.json")));
  EXPECT_FALSE(is_session_file(dir.path()));  // a folder
}
