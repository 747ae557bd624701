#pragma once
// Runs the real latentlab-cli binary (LATENTLAB_CLI) with a shell command line and collects its
// exit code, stdout and stderr lines, for the end-to-end CLI tests.
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "core/io/atomic_file.h"

namespace latentlab::test {

// The padding around and between the images of the CLI's grids, in pixels.
inline constexpr int64_t kPad = 2;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;                     // stderr, whole
  std::vector<std::string> err_lines;  // and line by line
};

// Single-quoted for the shell.
inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// `args` is already quoted where needed; stdout and stderr go through files in `scratch_dir`.
inline CliResult run_cli(const std::string& args, const std::string& scratch_dir) {
  const auto out = scratch_dir + "/stdout.txt", err = scratch_dir + "/stderr.txt";
  const std::string command =
      quote(LATENTLAB_CLI) + " " + args + " >" + quote(out) + " 2>" + quote(err);
  const int status = std::system(command.c_str());
  CliResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);) r.err_lines.push_back(line);
  return r;
}

}  // namespace latentlab::test
