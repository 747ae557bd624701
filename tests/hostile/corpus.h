#pragma once
// The hostile-input corpus written by tests/hostile/make_corpus.py: its manifest and entries.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/io/atomic_file.h"

namespace latentlab::test {

struct Entry {
  std::string id, category, path, spec, outcome, what;
  std::vector<std::string> expect;
  std::string names;  // what the message must name: the file itself unless the manifest says
};

// gtest prints the id rather than the bytes of the struct.
inline void PrintTo(const Entry& e, std::ostream* os) { *os << e.category << "/" << e.id; }

inline std::string corpus_dir() {
  if (const char* dir = std::getenv("LATENTLAB_HOSTILE_CORPUS")) return dir;
  return LATENTLAB_BINARY_DIR "/hostile-corpus";
}

// Empty when the fixture has not run: the Manifest test then fails with a hint.
inline const nlohmann::json& manifest() {
  static const nlohmann::json j = [] {
    try {
      return nlohmann::json::parse(read_file(corpus_dir() + "/manifest.json"));
    } catch (const std::exception&) {
      return nlohmann::json();
    }
  }();
  return j;
}

inline std::vector<Entry> entries(const std::string& category) {
  std::vector<Entry> out;
  if (manifest().is_null()) return out;
  for (const auto& e : manifest().at("entries")) {
    if (e.at("category") != category) continue;
    out.push_back({e.at("id"), e.at("category"), e.at("path"), e.value("spec", ""), e.at("outcome"),
                   e.at("what"), e.at("expect").get<std::vector<std::string>>(),
                   e.value("names", e.at("path").get<std::string>())});
  }
  return out;
}

inline std::string base(const char* key) {
  return manifest().at("base").at(key).get<std::string>();
}

// False for an empty list: a refusal must say what is wrong, so every entry lists its words.
inline bool holds_one_of(const std::string& text, const std::vector<std::string>& words) {
  for (const auto& w : words)
    if (text.find(w) != std::string::npos) return true;
  return false;
}

inline std::vector<std::string> folder_listing(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& f : std::filesystem::recursive_directory_iterator(folder))
    names.push_back(std::filesystem::relative(f.path(), folder).string());
  return names;
}

inline std::string entry_name(const ::testing::TestParamInfo<Entry>& info) { return info.param.id; }

}  // namespace latentlab::test
