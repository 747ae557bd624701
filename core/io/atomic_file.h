#pragma once
// Every file LatentLab writes goes through here: written to a temporary file in the same
// folder, flushed to disk, then renamed over the target, so a crash leaves the old file or the
// new one, never a broken one.
//
// Test hook: LATENTLAB_TEST_WRITE_PAUSE_MS=N in the environment makes every write below pause N
// milliseconds once half of its temporary file is written (write_via_temporary: once the writer
// has finished, before the rename), so the kill tests (tests/hostile/test_kill.cpp) can land a
// SIGKILL inside a write on purpose. Always compiled in; without the variable nothing pauses.
#include <functional>
#include <string>
#include <string_view>

namespace latentlab {

// When a written file reaches the disk. kEachFile flushes the file and its folder before
// returning. kDeferred (for the thousands of small files of a generated data set, where two
// fsyncs per file cost more than making the file) still renames a complete temporary file into
// place, but leaves flushing to one sync_file_system() call at the end of the job.
enum class Sync { kEachFile, kDeferred };

// Writes bytes to path atomically. Throws WriteError naming the path on failure. With kEachFile
// it first removes temporaries of the same target left by writers that were killed (named
// ".NAME.tmp-PID-RANDOM.EXT", their pid no longer runs and they were last changed before this
// process started), so crashes do not pile up hidden files: at most one orphan per target remains.
void write_file_atomically(const std::string& path, std::string_view bytes,
                           Sync sync = Sync::kEachFile);

// Flushes everything written to the file system that holds folder (syncfs). Throws WriteError.
void sync_file_system(const std::string& folder);

// For writers that need a real file name (video encoders): calls write(temp_path) with a
// temporary path in the same folder ending in the same extension, then renames it over path.
// The temporary file is removed if write throws or leaves no file; orphans as above.
void write_via_temporary(const std::string& path,
                         const std::function<void(const std::string&)>& write);

// Reads a whole file. Throws Error naming the path if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace latentlab
