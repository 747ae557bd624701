#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "core/common/error.h"

namespace latentlab {
namespace fs = std::filesystem;
namespace {

// Temporaries last changed after this process started are never taken for orphans, whatever their
// pid says: a writer in another pid namespace (a container, another machine on a shared folder)
// looks dead to kill(2) while it writes.
const fs::file_time_type kProcessStart = fs::file_time_type::clock::now();

// The kill tests' hook (tests/hostile/test_kill.cpp, docs/reliability.md): with
// LATENTLAB_TEST_WRITE_PAUSE_MS=N in the environment, every write pauses N milliseconds once half
// of its temporary file is written, so a SIGKILL can be made to land inside a write. Unset, empty
// or not a positive number: no pause. Read once.
void pause_mid_write_for_tests() {
  static const long pause_ms = [] {
    const char* text = std::getenv("LATENTLAB_TEST_WRITE_PAUSE_MS");
    if (!text || !*text) return 0L;
    char* end = nullptr;
    const long ms = std::strtol(text, &end, 10);
    return *end == '\0' && ms > 0 ? ms : 0L;
  }();
  if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
}

// ".NAME.tmp-PID-RANDOM.EXT" beside the target: the writer's pid lets a later writer tell an
// orphan (its writer was killed) from a temporary still being written.
std::string temporary_prefix_for(const fs::path& target) {
  return "." + target.stem().string() + ".tmp-";
}

std::string temporary_name_for(const std::string& path) {
  const fs::path target(path);
  std::random_device rd;
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(rd());
  return (target.parent_path() / (temporary_prefix_for(target) + tag + target.extension().string()))
      .string();
}

// A process killed mid-write (kill -9, power cut) leaves its temporary behind. The next write of
// the same target removes those whose writer no longer runs and that were last changed before
// this process started, so at most one orphan per target exists at any time. Temporaries of live
// writers (another process saving the same file) stay, and so does every other file.
void remove_orphaned_temporaries(const std::string& path) {
  const fs::path target(path);
  const std::string prefix = temporary_prefix_for(target);
  const std::string extension = target.extension().string();
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + extension.size() ||
        name.compare(name.size() - extension.size(), extension.size(), extension) != 0)
      continue;
    const std::string tag = name.substr(prefix.size());
    const auto dash = tag.find('-');
    if (dash == 0 || dash == std::string::npos ||
        !std::all_of(tag.begin(), tag.begin() + long(dash),
                     [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    const long pid = std::strtol(tag.substr(0, dash).c_str(), nullptr, 10);
    if (pid <= 0 || ::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code time_error;
    const auto changed = fs::last_write_time(it->path(), time_error);
    if (time_error || changed >= kProcessStart) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

std::string system_error(const std::string& what, const std::string& path) {
  return "cannot " + what + " '" + path + "': " + std::strerror(errno);
}

void sync_parent_folder(const std::string& path) {
  const auto parent = fs::path(path).parent_path();
  const int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void rename_over(const std::string& temp, const std::string& path) {
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string message = system_error("write", path);
    std::remove(temp.c_str());
    throw WriteError(message);
  }
  sync_parent_folder(path);
}

// Writes all of bytes to fd; false (errno set) on failure.
bool write_all(int fd, std::string_view bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes, Sync sync) {
  // Deferred writes are the thousands of files of one folder: one listing each would cost O(n^2).
  if (sync == Sync::kEachFile) remove_orphaned_temporaries(path);
  const std::string temp = temporary_name_for(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw WriteError(system_error("write", path));
  const size_t half = bytes.size() / 2;
  bool written = write_all(fd, bytes.substr(0, half));
  if (written) {
    pause_mid_write_for_tests();
    written = write_all(fd, bytes.substr(half));
  }
  if (!written) {
    const std::string message = system_error("write", path);
    ::close(fd);
    std::remove(temp.c_str());
    throw WriteError(message);
  }
  if ((sync == Sync::kEachFile && ::fsync(fd) != 0) || ::close(fd) != 0) {
    const std::string message = system_error("write", path);
    std::remove(temp.c_str());
    throw WriteError(message);
  }
  if (sync == Sync::kEachFile) {
    rename_over(temp, path);
  } else if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string message = system_error("write", path);
    std::remove(temp.c_str());
    throw WriteError(message);
  }
}

void sync_file_system(const std::string& folder) {
  const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw WriteError(system_error("sync", folder));
  const bool ok = ::syncfs(fd) == 0;
  const std::string message = ok ? "" : system_error("sync", folder);
  ::close(fd);
  if (!ok) throw WriteError(message);
}

void write_via_temporary(const std::string& path,
                         const std::function<void(const std::string&)>& write) {
  remove_orphaned_temporaries(path);
  const std::string temp = temporary_name_for(path);
  try {
    write(temp);
  } catch (...) {
    std::remove(temp.c_str());
    throw;
  }
  pause_mid_write_for_tests();  // the temporary is complete here: the writer owns its file
  std::error_code ec;
  if (!fs::is_regular_file(temp, ec) || fs::file_size(temp, ec) == 0) {
    std::remove(temp.c_str());
    throw WriteError("cannot write '" + path + "': the writer produced no data");
  }
  rename_over(temp, path);
}

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error("'" + path + "': no such file");
  if (fs::is_directory(path, ec)) throw Error("'" + path + "': is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(system_error("read", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(system_error("read", path));
  return buffer.str();
}

}  // namespace latentlab
