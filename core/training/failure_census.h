#pragma once
// Which ranks of a group are still running, so that a broken collective (Gloo only reports "the
// connection was reset by 10.0.0.7:41234") becomes a message naming the rank that stopped.
//
// Every rank adds to its own heartbeat counter in the group's store once a second from a
// background thread. After a failure a rank reads all counters, waits a few beats and reads them
// again: a rank whose counter did not move has stopped. A rank that stops on an error records the
// reason first (record), and the first rank to reach a verdict stores it, so a rank that notices
// the failure only later (when a survivor that already explained it exits) repeats the same one
// rather than blaming that survivor.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <torch/csrc/distributed/c10d/Store.hpp>
#include <vector>

namespace latentlab {

// A c10d Store holds bytes; the values the group keeps there are text.
inline std::vector<uint8_t> store_bytes(const std::string& s) { return {s.begin(), s.end()}; }
inline std::string store_text(const std::vector<uint8_t>& b) { return {b.begin(), b.end()}; }

class FailureCensus {
 public:
  // store_owner: who serves the store when it lives in a process of the group (a TCPStore on
  // rank 0: "rank 0 (the store at HOST:PORT)"), empty for a FileStore that outlives its ranks.
  FailureCensus(c10::intrusive_ptr<c10d::Store> store, int rank, int world_size,
                std::string store_owner);
  ~FailureCensus();  // stops the heartbeat
  FailureCensus(const FailureCensus&) = delete;
  FailureCensus& operator=(const FailureCensus&) = delete;

  // The ranks that stopped, with their reasons where they recorded one; `what` is this rank's
  // own view of the failure, added at the end.
  std::string explain(const std::string& what);
  void record(const std::string& reason);

 private:
  void beat();
  std::vector<int64_t> heartbeats();
  std::string verdict();

  c10::intrusive_ptr<c10d::Store> store_;
  int rank_;
  int world_size_;
  std::string store_owner_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace latentlab
