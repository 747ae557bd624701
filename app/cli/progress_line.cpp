#include "app/cli/progress_line.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <sstream>

namespace latentlab::cli {
namespace {

constexpr std::chrono::milliseconds kTerminalInterval{100};
constexpr std::chrono::seconds kLogInterval{5};

std::string shell_quoted(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t\"'\\$`*?;&|<>()") == std::string::npos) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

ProgressLine::ProgressLine() : tty_(isatty(fileno(stderr)) != 0) {}

ProgressLine::~ProgressLine() {
  if (open_) std::cerr << std::endl;
}

void ProgressLine::update(const std::string& text, bool force) {
  const auto now = Clock::now();
  const auto interval = tty_ ? std::chrono::duration_cast<Clock::duration>(kTerminalInterval)
                             : std::chrono::duration_cast<Clock::duration>(kLogInterval);
  if (shown_ && !force && now - last_ < interval) return;
  shown_ = true;
  last_ = now;
  if (!tty_) {
    std::cerr << text << std::endl;
    return;
  }
  std::cerr << '\r' << text;
  if (text.size() < last_width_) std::cerr << std::string(last_width_ - text.size(), ' ');
  std::cerr << std::flush;
  last_width_ = text.size();
  open_ = true;
}

void ProgressLine::clear() {
  if (!open_) return;
  std::cerr << '\r' << std::string(last_width_, ' ') << '\r' << std::flush;
  open_ = false;
  last_width_ = 0;
}

void ProgressLine::print(const std::string& text) {
  clear();
  std::cerr << text << std::endl;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  return out.str();
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buffer[32];
  if (s >= 3600)
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buffer, sizeof buffer, "%lds", s);
  return buffer;
}

std::string command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  size_t start = 0;
  bool first = true;
  while (start < raw.size()) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    std::string arg = raw.substr(start, end - start);
    if (first) arg = std::filesystem::path(arg).filename().string();
    out += (first ? "" : " ") + shell_quoted(arg);
    first = false;
    start = end + 1;
  }
  return out.empty() ? "latentlab-cli" : out;
}

}  // namespace latentlab::cli
