#include "core/io/session.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/analysis/interpolation.h"
#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/untrusted_json.h"

namespace latentlab {
namespace {

using nlohmann::json;

// A session is a few kilobytes; refuse to read a huge file into memory.
constexpr std::uintmax_t kMaxSessionBytes = std::uintmax_t{64} << 20;

[[noreturn]] void bad(const std::string& what) { throw InputError(what); }

json latent_json(const std::vector<float>& values) {
  json out = json::array();
  for (float v : values) out.push_back(double(v));  // exact: every float is a double
  return out;
}

float finite_float(const json& v, const std::string& what) {
  if (!v.is_number()) bad(what + " is not a number: " + v.dump());
  const double d = v.get<double>();
  if (!std::isfinite(d) || std::abs(d) > double(std::numeric_limits<float>::max()))
    bad(what + " is not a finite float: " + v.dump());
  return float(d);
}

std::vector<float> latent_from_json(const json& j, const std::string& what) {
  if (!j.is_array() || j.empty()) bad(what + " must be a non-empty array of numbers");
  std::vector<float> out;
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i)
    out.push_back(finite_float(j[i], what + " value " + std::to_string(i)));
  return out;
}

std::optional<std::vector<float>> endpoint_from_json(const json& parent, const char* key) {
  if (!parent.contains(key) || parent[key].is_null()) return std::nullopt;
  return latent_from_json(parent[key], std::string("interpolation endpoint ") + key);
}

const json& object_member(const json& j, const char* key) {
  static const json kEmpty = json::object();
  if (!j.contains(key)) return kEmpty;
  if (!j[key].is_object()) bad(std::string("'") + key + "' must be an object");
  return j[key];
}

void check_length(const std::vector<float>& v, size_t expected, const std::string& what) {
  if (v.size() != expected)
    bad(what + " has " + std::to_string(v.size()) + " values, the latent has " +
        std::to_string(expected));
}

}  // namespace

json to_json(const Session& s) {
  json interpolation = {{"a", s.endpoint_a ? latent_json(*s.endpoint_a) : json(nullptr)},
                        {"b", s.endpoint_b ? latent_json(*s.endpoint_b) : json(nullptr)},
                        {"steps", s.steps},
                        {"method", s.method}};
  json attributes = json::object();
  for (const auto& [name, amount] : s.attributes) attributes[name] = double(amount);
  return {{"latentlab_session", kSessionVersion}, {"model", s.model_path},
          {"latent", latent_json(s.latent)},      {"attributes", attributes},
          {"interpolation", interpolation},       {"view", {{"smooth_scaling", s.smooth_scaling}}}};
}

Session session_from_json(const json& j) {
  if (!j.is_object() || !j.contains("latentlab_session"))
    bad("not a LatentLab session (no 'latentlab_session' version)");
  const json& version = j["latentlab_session"];
  if (!version.is_number_integer() || version.get<int64_t>() < 1 ||
      version.get<int64_t>() > kSessionVersion)
    bad("unsupported session version " + version.dump() + " (this LatentLab reads version " +
        std::to_string(kSessionVersion) + ")");
  Session s;
  if (!j.contains("model") || !j["model"].is_string() || j["model"].get<std::string>().empty())
    bad("'model' must be the path of the model file");
  s.model_path = j["model"].get<std::string>();
  if (!j.contains("latent")) bad("no 'latent'");
  s.latent = latent_from_json(j["latent"], "latent");

  for (const auto& [name, amount] : object_member(j, "attributes").items())
    s.attributes[name] = finite_float(amount, "attribute '" + name + "'");

  const json& interpolation = object_member(j, "interpolation");
  s.endpoint_a = endpoint_from_json(interpolation, "a");
  s.endpoint_b = endpoint_from_json(interpolation, "b");
  if (s.endpoint_a) check_length(*s.endpoint_a, s.latent.size(), "interpolation endpoint a");
  if (s.endpoint_b) check_length(*s.endpoint_b, s.latent.size(), "interpolation endpoint b");
  if (interpolation.contains("steps")) {
    const json& steps = interpolation["steps"];
    if (!steps.is_number_integer() || steps.get<int64_t>() < 2 ||
        steps.get<int64_t>() > kMaxSessionSteps)
      bad("interpolation steps must be an integer from 2 to " + std::to_string(kMaxSessionSteps) +
          ", got " + steps.dump());
    s.steps = steps.get<int64_t>();
  }
  if (interpolation.contains("method")) {
    if (!interpolation["method"].is_string())
      bad("interpolation method must be \"lerp\" or \"slerp\"");
    s.method = to_string(parse_interpolation_method(interpolation["method"].get<std::string>()));
  }

  const json& view = object_member(j, "view");
  if (view.contains("smooth_scaling")) {
    if (!view["smooth_scaling"].is_boolean()) bad("view smooth_scaling must be true or false");
    s.smooth_scaling = view["smooth_scaling"].get<bool>();
  }
  return s;
}

namespace {

// Stops the parse at the first event that settles whether the top level is a session object.
class SessionSniffer : public nlohmann::json_sax<json> {
 public:
  bool is_session = false;

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool string(string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool start_object(std::size_t) override {
    ++depth_;
    return true;
  }
  bool key(string_t& name) override {
    is_session = depth_ == 1 && name == "latentlab_session";
    return !is_session;
  }
  bool end_object() override { return --depth_ > 0; }
  bool start_array(std::size_t) override { return ++depth_ > 1; }  // a top-level array: no
  bool end_array() override { return --depth_ > 0; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool scalar() const { return depth_ > 0; }  // a top-level scalar: no
  int depth_ = 0;
};

}  // namespace

bool is_session_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  SessionSniffer sniffer;
  try {
    json::sax_parse(in, &sniffer);
  } catch (const std::exception&) {
    return false;  // a directory or a stream error
  }
  return sniffer.is_session;
}

Session read_session(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxSessionBytes)
    throw InputError(path + ": " + std::to_string(size) + " bytes is too large for a session file");
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    throw InputError(e.what());  // read_file names the path already
  }
  try {
    return session_from_json(parse_untrusted_json(bytes));
  } catch (const json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

void write_session(const std::string& path, const Session& session) {
  write_file_atomically(path, to_json(session).dump(2) + "\n");
}

void check_session_fits(const Session& session, int64_t latent_dim) {
  if (int64_t(session.latent.size()) != latent_dim)
    bad("the session's latent has " + std::to_string(session.latent.size()) +
        " values, the model's latent has " + std::to_string(latent_dim));
}

}  // namespace latentlab
