#include "app/cli/train_launcher.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace latentlab::cli {
namespace {

constexpr const char* kRankVariable = "LATENTLAB_RANK";
constexpr const char* kWorldSizeVariable = "LATENTLAB_WORLD_SIZE";
constexpr const char* kStoreFileVariable = "LATENTLAB_STORE_FILE";
constexpr auto kPoll = std::chrono::milliseconds(100);
// After a worker fails the others need a few seconds to find out which rank stopped (the failure
// census) and say so; only then are they stopped.
constexpr auto kGrace = std::chrono::seconds(30);
constexpr auto kTermGrace = std::chrono::seconds(5);  // SIGTERM, then SIGKILL

volatile sig_atomic_t g_signal = 0;
extern "C" void on_signal(int signal) { g_signal = signal; }

// This process's own arguments, argv[0] included, exactly as it was started.
std::vector<std::string> own_arguments() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t start = 0; start < raw.size();) {
    const size_t end = raw.find('\0', start);
    args.push_back(raw.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return args;
}

std::string describe(int status) {
  if (WIFSIGNALED(status))
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

pid_t start_worker(const std::vector<std::string>& args, int rank, int processes,
                   const std::string& store, int threads) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid != 0) return pid;
  setenv(kRankVariable, std::to_string(rank).c_str(), 1);
  setenv(kWorldSizeVariable, std::to_string(processes).c_str(), 1);
  setenv(kStoreFileVariable, store.c_str(), 1);
  if (threads > 0) setenv("LATENTLAB_THREADS", std::to_string(threads).c_str(), 1);
  execv("/proc/self/exe", argv.data());
  _exit(127);
}

// The temporary folder of the store file, removed when the run ends.
struct StoreFolder {
  std::filesystem::path path;
  StoreFolder() {
    std::string name = (std::filesystem::temp_directory_path() / "latentlab-group-XXXXXX").string();
    if (!mkdtemp(name.data())) throw DistributedError("cannot create a folder in /tmp");
    path = name;
  }
  ~StoreFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

void run_local_workers(int processes, bool threads_given) {
  const StoreFolder folder;
  const std::string store = (folder.path / "store").string();
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  const int threads =
      threads_given || std::getenv("LATENTLAB_THREADS") ? 0 : std::max(1, cores / processes);
  const auto args = own_arguments();
  struct sigaction forward {
  }, old_int{}, old_term{};
  forward.sa_handler = on_signal;
  sigaction(SIGINT, &forward, &old_int);
  sigaction(SIGTERM, &forward, &old_term);

  std::vector<pid_t> workers;
  for (int rank = 0; rank < processes; ++rank)
    workers.push_back(start_worker(args, rank, processes, store, threads));
  std::string failure;
  auto deadline = std::chrono::steady_clock::time_point::max();
  bool terminated = false;
  bool interrupted = false;
  for (int running = processes; running > 0;) {
    std::this_thread::sleep_for(kPoll);
    if (const int signal = g_signal) {
      g_signal = 0;
      interrupted = true;
      for (const pid_t pid : workers)
        if (pid > 0) kill(pid, signal);
    }
    for (size_t rank = 0; rank < workers.size(); ++rank) {
      int status = 0;
      if (workers[rank] <= 0 || waitpid(workers[rank], &status, WNOHANG) != workers[rank]) continue;
      --running;
      const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      if (!ok && failure.empty()) {
        failure = "rank " + std::to_string(rank) + " (pid " + std::to_string(workers[rank]) + ") " +
                  describe(status);
        deadline = std::chrono::steady_clock::now() + kGrace;
      }
      workers[rank] = 0;
    }
    if (running > 0 && std::chrono::steady_clock::now() > deadline) {
      for (const pid_t pid : workers)
        if (pid > 0) kill(pid, terminated ? SIGKILL : SIGTERM);
      deadline = std::chrono::steady_clock::now() + kTermGrace;
      terminated = true;
    }
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (interrupted) throw Cancelled();  // each worker has said where it stopped
  if (!failure.empty())
    throw DistributedError("worker " + failure + (terminated ? "; the others were stopped" : ""));
}

std::optional<GroupOptions> launched_worker() {
  const char* store = std::getenv(kStoreFileVariable);
  const char* rank = std::getenv(kRankVariable);
  const char* world = std::getenv(kWorldSizeVariable);
  if (!store || !rank || !world) return std::nullopt;
  GroupOptions g;
  g.store_file = store;
  g.rank = std::atoi(rank);
  g.world_size = std::atoi(world);
  return g;
}

}  // namespace latentlab::cli
