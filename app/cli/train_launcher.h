#pragma once
// `latentlab-cli train ... --nproc N`: this command run again as N worker processes on this host,
// which meet through a FileStore in a private temporary folder (like torchrun --nproc-per-node;
// a store file needs no free port). The workers learn their rank from the environment.
#include <optional>

#include "core/training/communicator.h"

namespace latentlab::cli {

// Starts the workers and waits for them. Ctrl-C (or SIGTERM) is passed on, so every worker stops
// after the same step. When a worker fails, the others get a grace period to report (they name
// the failed rank themselves) and are then stopped. Threads: each worker gets an equal share of
// the cores unless --threads or LATENTLAB_THREADS says otherwise.
// Throws DistributedError naming the first worker that failed and how.
void run_local_workers(int processes, bool threads_given);

// In a worker started by run_local_workers: its rank, the world size and the store file.
std::optional<GroupOptions> launched_worker();

}  // namespace latentlab::cli
