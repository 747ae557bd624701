#pragma once
// Runs latentlab-cli as a child process for the hostile-input and kill tests: no shell (paths are
// passed as they are), stdout and stderr captured to files, and the raw wait status kept so a
// crash (a signal) is told apart from an error exit. Extra environment variables ("NAME=VALUE")
// are added to the test's own.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace latentlab::test {

class ChildProcess {
 public:
  // Starts argv[0] with its output in stdout_path / stderr_path, the working folder cwd and
  // extra_env added to (or replacing variables of) this process's environment.
  ChildProcess(const std::vector<std::string>& argv, const std::string& cwd,
               const std::string& stdout_path, const std::string& stderr_path,
               const std::vector<std::string>& extra_env = {}) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // Built before fork: the child may only make async-signal-safe calls (the test runs threads).
    std::vector<char*> env;
    for (const auto& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
    for (char** e = environ; *e; ++e) {
      bool replaced = false;
      for (const auto& extra : extra_env)
        replaced |= std::strncmp(*e, extra.c_str(), extra.find('=') + 1) == 0;
      if (!replaced) env.push_back(*e);
    }
    env.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // A crash must show as a signal here, not as a core file left in the test folder.
      const rlimit no_core{0, 0};
      ::setrlimit(RLIMIT_CORE, &no_core);
      const int out = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out < 0 || err < 0 || ::chdir(cwd.c_str()) != 0) ::_exit(127);
      ::dup2(out, STDOUT_FILENO);
      ::dup2(err, STDERR_FILENO);
      ::execve(args[0], args.data(), env.data());
      ::_exit(127);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (!waited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }

  pid_t pid() const { return pid_; }

  // Blocks until the child ends; returns the wait status.
  int wait() {
    if (!waited_) {
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      waited_ = true;
    }
    return status_;
  }

  // True once the child has ended (without blocking).
  bool finished() {
    if (!waited_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) waited_ = true;
    return waited_;
  }

  void kill_hard() { ::kill(pid_, SIGKILL); }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool waited_ = false;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace latentlab::test
