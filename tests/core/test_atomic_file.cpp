// Atomic writes: the orphaned temporaries of killed writers are cleaned up by the next write of
// the same target; a live writer's temporary, a temporary changed since this process started and
// unrelated files are left alone.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "core/io/atomic_file.h"
#include "tests/core/temp_dir.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

// Temporaries count as orphans only when last changed before this process started.
void make_old(const std::string& path) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::hours(1));
}

}  // namespace

TEST(AtomicFile, NextWriteRemovesOrphanedTemporariesOnly) {
  TempDir dir;
  // A pid above Linux's pid_max (2^22) never runs; ours does.
  const std::string orphan = dir.file(".strip.tmp-999999999-17.png");
  const std::string live = dir.file(".strip.tmp-" + std::to_string(::getpid()) + "-5.png");
  const std::string other_target = dir.file(".other.tmp-999999999-17.png");
  const std::string other_extension = dir.file(".strip.tmp-999999999-17.gif");
  for (const auto& p : {orphan, live, other_target, other_extension}) {
    write_file_atomically(p, "x");
    make_old(p);
  }

  write_file_atomically(dir.file("strip.png"), "new");
  EXPECT_EQ(read_file(dir.file("strip.png")), "new");
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other_target));
  EXPECT_TRUE(fs::exists(other_extension));

  // write_via_temporary (video encoders) cleans up the same way.
  write_file_atomically(orphan, "x");
  make_old(orphan);
  write_via_temporary(dir.file("strip.png"),
                      [](const std::string& temp) { write_file_atomically(temp, "v"); });
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_EQ(read_file(dir.file("strip.png")), "v");
}

TEST(AtomicFile, KeepsATemporaryChangedSinceThisProcessStarted) {
  TempDir dir;
  // Its pid does not run here, but it was written just now: a writer in another pid namespace
  // (a container, another machine on a shared folder) may still be writing it.
  const std::string recent = dir.file(".strip.tmp-999999999-18.png");
  write_file_atomically(recent, "x");
  write_file_atomically(dir.file("strip.png"), "new");
  EXPECT_TRUE(fs::exists(recent));
}
