#include "ui/analysis/coalescing_worker.h"

#include "core/model/device.h"

namespace latentlab::ui {

CoalescingWorker::CoalescingWorker(const QString& threadName, int slotCount)
    : m_pending(size_t(slotCount)) {
  m_thread.setObjectName(threadName);
  m_context.moveToThread(&m_thread);
  m_thread.start();
  // LibTorch's intra-op thread count is per thread: one, as on the render thread. These jobs are
  // small (one latent against the model's data), and a second OpenMP thread would contend with
  // the render thread for the other core while a slider drags.
  QMetaObject::invokeMethod(
      &m_context, [] { configure_threads(1); }, Qt::QueuedConnection);
}

CoalescingWorker::~CoalescingWorker() {
  {
    QMutexLocker lock(&m_mutex);
    for (Job& job : m_pending) job = nullptr;
  }
  m_thread.quit();
  m_thread.wait();
}

void CoalescingWorker::post(int slot, Job job) {
  QMutexLocker lock(&m_mutex);
  m_pending.at(size_t(slot)) = std::move(job);
  // Wake the thread once; later posts only overwrite slots until it has taken them.
  if (!m_wakeQueued) {
    m_wakeQueued = true;
    QMetaObject::invokeMethod(
        &m_context, [this] { runPending(); }, Qt::QueuedConnection);
  }
}

void CoalescingWorker::runPending() {
  for (;;) {
    Job job;
    {
      QMutexLocker lock(&m_mutex);
      for (Job& pending : m_pending)
        if (pending) {
          job = std::move(pending);
          pending = nullptr;
          break;
        }
      if (!job) {
        m_wakeQueued = false;
        return;
      }
    }
    ++m_runs;
    job();
  }
}

}  // namespace latentlab::ui
