#pragma once
// A thread of its own that runs only the newest request of each kind, for the analysis that
// follows the live latent (the map's marker and neighbours, the GMM's typicality): the render
// worker's coalescing (ui/render/render_worker.h; Qt's Mandelbrot RenderThread, stylegan3's
// AsyncRenderer) for any job.
//
// Each slot holds at most one pending job, overwritten under a mutex. A slider drag may post a
// job per frame while one runs; when the thread comes back it runs only the newest of each slot,
// so the analysis never builds a backlog behind the user. Slots are independent (a marker update
// does not replace a pending layout) and pending slots run in slot order.
//
// A job runs on the worker thread: it may touch only what it captured. It hands its result to
// the UI thread itself, with QMetaObject::invokeMethod(receiver, ..., Qt::QueuedConnection). The
// receiver must destroy its worker before itself (a member declared after everything the jobs'
// results touch), so no job is left running that could post to a deleted object.
#include <QMutex>
#include <QObject>
#include <QThread>
#include <atomic>
#include <functional>
#include <vector>

namespace latentlab::ui {

class CoalescingWorker {
 public:
  using Job = std::function<void()>;

  // Starts the thread, named for debuggers and profilers.
  CoalescingWorker(const QString& threadName, int slotCount);
  // Waits for the running job; pending jobs are dropped.
  ~CoalescingWorker();
  CoalescingWorker(const CoalescingWorker&) = delete;
  CoalescingWorker& operator=(const CoalescingWorker&) = delete;

  // Thread-safe. Replaces the slot's pending job; the thread runs it when it is free.
  void post(int slot, Job job);

  // Jobs actually run (not posted): for tests.
  int runCount() const { return m_runs.load(); }

 private:
  void runPending();  // on the worker thread

  QThread m_thread;
  QObject m_context;  // lives on m_thread: queued calls to it run there

  QMutex m_mutex;  // guards the slots and the wake flag
  std::vector<Job> m_pending;
  bool m_wakeQueued = false;  // one queued runPending() at a time, however many posts
  std::atomic<int> m_runs{0};
};

}  // namespace latentlab::ui
