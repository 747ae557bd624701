#include "core/training/failure_census.h"

#include <chrono>

namespace latentlab {
namespace {

constexpr auto kBeat = std::chrono::seconds(1);
// Long enough that a live rank's heartbeat thread beats several times even on a loaded machine.
constexpr auto kCensusWait = std::chrono::seconds(5);
constexpr const char* kHeartbeatKey = "census/heartbeat/";
constexpr const char* kReasonKey = "census/reason/";
constexpr const char* kVerdictKey = "census/verdict";

}  // namespace

FailureCensus::FailureCensus(c10::intrusive_ptr<c10d::Store> store, int rank, int world_size,
                             std::string store_owner)
    : store_(std::move(store)),
      rank_(rank),
      world_size_(world_size),
      store_owner_(std::move(store_owner)),
      thread_([this] { beat(); }) {}

FailureCensus::~FailureCensus() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void FailureCensus::beat() {
  const std::string key = kHeartbeatKey + std::to_string(rank_);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      store_->add(key, 1);
    } catch (const std::exception&) {
      return;  // the store is gone (rank 0 ended): nobody is left to read the heartbeat
    }
    lock.lock();
    wake_.wait_for(lock, kBeat, [this] { return stopping_; });
  }
}

std::vector<int64_t> FailureCensus::heartbeats() {
  std::vector<int64_t> counts;
  for (int r = 0; r < world_size_; ++r)
    counts.push_back(store_->add(kHeartbeatKey + std::to_string(r), 0));
  return counts;
}

std::string FailureCensus::verdict() {
  const auto before = heartbeats();
  std::this_thread::sleep_for(kCensusWait);
  const auto after = heartbeats();
  std::string found;
  for (int r = 0; r < world_size_; ++r) {
    if (r == rank_) continue;
    const std::string key = kReasonKey + std::to_string(r);
    std::string part;
    if (store_->check({key}))
      part = "rank " + std::to_string(r) + " stopped: " + store_text(store_->get(key));
    else if (after[r] == before[r])
      part = "rank " + std::to_string(r) +
             " stopped without a word (killed, crashed, or its host went away)";
    if (!part.empty()) found += (found.empty() ? "" : "; ") + part;
  }
  if (found.empty()) return found;
  // The first verdict stands: a later one might blame a survivor that exited after giving it.
  return store_text(store_->compareSet(kVerdictKey, {}, store_bytes(found)));
}

std::string FailureCensus::explain(const std::string& what) {
  try {
    if (store_->check({kVerdictKey}))
      return store_text(store_->get(kVerdictKey)) + " (" + what + ")";
    const std::string found = verdict();
    if (!found.empty()) return found + " (" + what + ")";
    // Every other rank is alive and silent: the failure is this rank's own.
    record(what);
    return what;
  } catch (const std::exception&) {
    if (store_owner_.empty()) return what;
    return store_owner_ + " stopped: its store no longer answers (" + what + ")";
  }
}

void FailureCensus::record(const std::string& reason) {
  try {
    store_->set(kReasonKey + std::to_string(rank_), store_bytes(reason));
  } catch (const std::exception&) {
    // The store is gone too; the other ranks will report this rank as stopped without a word.
  }
}

}  // namespace latentlab
