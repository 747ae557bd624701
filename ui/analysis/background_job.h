#pragma once
// One long task (a strip, encoding a data set, a GMM fit, an inversion) run on a pool thread so
// the UI thread stays free, with progress and cancellation. Every panel runs its batch work
// through this class rather than its own threads.
//
//   auto* job = new BackgroundJob(this);
//   auto result = std::make_shared<Strip>();
//   connect(job, &BackgroundJob::succeeded, this, [result] { show(*result); });
//   job->start([result, model](BackgroundJob& j) { *result = render(model, j); });
//
// The work runs on another thread: it may touch only what it captured (never widgets). It
// calls reportProgress() and polls isCancelled() (or passes `[&j](auto d, auto t) {
// j.reportProgress(double(d) / t); return !j.isCancelled(); }` to a core progress callback)
// and ends by returning or by throwing (latentlab::Cancelled -> cancelled(), any other error ->
// failed(message)). Exactly one of succeeded / failed / cancelled is emitted on the UI thread.
#include <QObject>
#include <QString>
#include <atomic>
#include <functional>

namespace latentlab::ui {

class BackgroundJob : public QObject {
  Q_OBJECT

 public:
  using Work = std::function<void(BackgroundJob& job)>;

  explicit BackgroundJob(QObject* parent = nullptr);
  // Waits for running work (after asking it to cancel): the work may hold references to us.
  ~BackgroundJob() override;

  // Starts the work; refused (returns false) while a previous run is still going.
  bool start(Work work);
  void cancel() { m_cancel = true; }
  bool isRunning() const { return m_running; }

  // Thread-safe; for the work.
  bool isCancelled() const { return m_cancel; }
  void reportProgress(double fraction, const QString& text = QString());

  // Blocks until the current run (if any) has finished and its signal was emitted; for tests.
  bool waitForFinished(int timeoutMs = 60000);

 signals:
  void progress(double fraction, const QString& text);
  void succeeded();
  void failed(const QString& message);
  void cancelled();

 private:
  void finish(int outcome, const QString& message);

  std::atomic<bool> m_cancel{false};
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_workDone{false};
};

}  // namespace latentlab::ui
