#include "core/readers/celeba_attributes.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/common/error.h"

namespace latentlab {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxDeclaredImages = int64_t(1) << 31;  // far above any real face data set

// Splits on spaces and tabs (the real file pads with two spaces; some copies have CRLF ends).
std::vector<std::string_view> tokens_of(std::string_view line) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

[[noreturn]] void fail_at(const std::string& path, int64_t line, const std::string& what) {
  throw DatasetError(path + ":" + std::to_string(line) + ": " + what);
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

}  // namespace

CelebaAttributes read_celeba_attributes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    throw DatasetError(path + (fs::exists(path, ec) ? ": cannot be read" : ": no such file"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  CelebaAttributes result;
  int64_t declared = -1;
  int64_t line_number = 0;
  std::unordered_map<std::string_view, int64_t> first_line;  // image name -> line
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + at, end - at);
    at = end + 1;
    ++line_number;
    const auto tokens = tokens_of(line);
    if (line_number == 1) {
      int64_t count = -1;
      if (tokens.size() == 1 && !tokens[0].empty() &&
          std::all_of(tokens[0].begin(), tokens[0].end(),
                      [](char c) { return c >= '0' && c <= '9'; }) &&
          tokens[0].size() <= 10)
        count = std::stoll(std::string(tokens[0]));
      if (count < 1 || count > kMaxDeclaredImages)
        fail_at(path, 1,
                "expected the number of images (a positive integer), found " +
                    in_quotes(line.substr(0, 80)));
      declared = count;
      continue;
    }
    if (line_number == 2) {
      if (tokens.empty()) fail_at(path, 2, "expected the attribute names, found an empty line");
      std::unordered_set<std::string_view> seen;
      for (auto name : tokens) {
        if (!seen.insert(name).second)
          fail_at(path, 2, "attribute " + in_quotes(name) + " appears twice");
        result.names.emplace_back(name);
      }
      continue;
    }
    if (tokens.empty()) continue;  // blank lines (a trailing newline) are harmless
    if (int64_t(result.images.size()) == declared)
      fail_at(path, line_number,
              "more rows than the " + std::to_string(declared) + " images the first line declares");
    const size_t columns = result.names.size();
    if (tokens.size() - 1 != columns)
      fail_at(path, line_number,
              "expected " + std::to_string(columns) + " values after " + in_quotes(tokens[0]) +
                  ", found " + std::to_string(tokens.size() - 1));
    const fs::path name(tokens[0]);
    if (name.is_absolute() || std::find(name.begin(), name.end(), fs::path("..")) != name.end())
      fail_at(path, line_number, "image name " + in_quotes(tokens[0]) + " leaves the image folder");
    const auto [previous, inserted] = first_line.emplace(tokens[0], line_number);
    if (!inserted)
      fail_at(path, line_number,
              in_quotes(tokens[0]) + " is listed twice (first at line " +
                  std::to_string(previous->second) + ")");
    for (size_t c = 0; c < columns; ++c) {
      const auto value = tokens[c + 1];
      if (value == "1")
        result.values.push_back(1);
      else if (value == "-1")
        result.values.push_back(-1);
      else
        fail_at(path, line_number,
                "value " + in_quotes(value) + " of attribute " + result.names[c] + " for " +
                    in_quotes(tokens[0]) + " is not 1 or -1");
    }
    result.images.emplace_back(tokens[0]);
    result.lines.push_back(line_number);
  }
  if (declared < 0) throw DatasetError(path + ": empty file (expected the number of images)");
  if (result.names.empty())
    fail_at(path, 2, "expected the attribute names, found the end of the file");
  if (int64_t(result.images.size()) != declared)
    throw DatasetError(path + ": the first line declares " + std::to_string(declared) +
                       " images but " + std::to_string(result.images.size()) +
                       " rows follow (up to line " + std::to_string(line_number) + ")");
  return result;
}

}  // namespace latentlab
