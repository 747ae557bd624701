#pragma once
// A GUI session on disk: which model was open, the latent and attribute amounts, the
// interpolation endpoints and settings, and view options, as one JSON file written atomically.
// No LibTorch and no Qt here, so the UI's widget sources can include it.
//
//   {"latentlab_session": 1, "model": "/abs/path/fashion-vae.llckpt",
//    "latent": [D numbers], "attributes": {"Smiling": 1.5},
//    "interpolation": {"a": [D numbers] or null, "b": [D numbers] or null, "steps": 10,
//                      "method": "lerp" | "slerp"},
//    "view": {"smooth_scaling": false}}
//
// Floats are stored as the doubles they convert to exactly, so a latent reads back bit for bit.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace latentlab {

constexpr int kSessionVersion = 1;
constexpr int64_t kMaxSessionSteps = 1000;  // the interpolation panel's limit

struct Session {
  std::string model_path;
  std::vector<float> latent;                // the base latent (before attribute vectors)
  std::map<std::string, float> attributes;  // attribute name -> amount
  std::optional<std::vector<float>> endpoint_a;
  std::optional<std::vector<float>> endpoint_b;
  int64_t steps = 10;
  std::string method = "lerp";  // "lerp" or "slerp"
  bool smooth_scaling = false;
};

nlohmann::json to_json(const Session& session);

// Checks every field (types, finite values, one latent length for latent and endpoints, steps
// in 2..kMaxSessionSteps, a known method) and throws InputError saying what is wrong.
Session session_from_json(const nlohmann::json& j);

// Throws InputError "PATH: what is wrong" for a missing, unreadable or malformed file.
Session read_session(const std::string& path);

// True when the file is a JSON object holding a "latentlab_session" key at its top level: a
// session rather than a latent file, which is JSON too. Reads only as far as that key and never
// throws (a file that cannot be read or parsed is no session).
bool is_session_file(const std::string& path);

// Written atomically. Throws WriteError when the file cannot be written.
void write_session(const std::string& path, const Session& session);

// Throws InputError when the session's latent or endpoints do not have latent_dim values (a
// session saved for another model).
void check_session_fits(const Session& session, int64_t latent_dim);

}  // namespace latentlab
