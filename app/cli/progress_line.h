#pragma once
// One status line on stderr for long CLI jobs (training, evaluation). On a terminal the line is
// rewritten in place with \r, at most every kTerminalInterval; in a log file (stderr not a TTY)
// a full line is written at most every kLogInterval, so logs stay readable.
#include <chrono>
#include <string>

namespace latentlab::cli {

class ProgressLine {
 public:
  ProgressLine();
  ~ProgressLine();  // ends an open terminal line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Shows text now if enough time has passed since the last update, or if force is set.
  void update(const std::string& text, bool force = false);
  // Writes text as a permanent line (ending the in-place line first).
  void print(const std::string& text);
  // Blanks the in-place line (terminal only), so what follows starts on a clean line.
  void clear();

 private:
  using Clock = std::chrono::steady_clock;
  bool tty_ = false;
  bool open_ = false;      // a terminal line without its newline yet
  size_t last_width_ = 0;  // to blank out the rest of a shorter line
  Clock::time_point last_;
  bool shown_ = false;
};

// Seconds on the steady clock since `start`.
double seconds_since(std::chrono::steady_clock::time_point start);

// `value` with `digits` decimals: fixed(0.12345, 3) == "0.123".
std::string fixed(double value, int digits = 3);

// "1h02m", "3m05s", "12s"
std::string format_duration(double seconds);

// The command line of this process as one shell-like string (argv[0] as its file name), for
// the provenance stored in checkpoints.
std::string command_line();

}  // namespace latentlab::cli
