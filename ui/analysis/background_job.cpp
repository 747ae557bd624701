#include "ui/analysis/background_job.h"

#include <c10/util/Exception.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QPointer>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include "core/common/error.h"
#include "core/model/device.h"

namespace latentlab::ui {

namespace {
enum Outcome { kSucceeded, kFailed, kCancelled };
}

BackgroundJob::BackgroundJob(QObject* parent) : QObject(parent) {}

BackgroundJob::~BackgroundJob() {
  m_cancel = true;
  while (m_running && !m_workDone) QThread::msleep(5);
}

bool BackgroundJob::start(Work work) {
  if (m_running) return false;
  m_cancel = false;
  m_workDone = false;
  m_running = true;
  QPointer<BackgroundJob> self(this);
  (void)QtConcurrent::run([this, self, work = std::move(work)] {
    // LibTorch's intra-op thread count is per thread: batch work uses every core.
    configure_threads();
    int outcome = kSucceeded;
    QString message;
    try {
      work(*this);
      if (m_cancel) outcome = kCancelled;
    } catch (const Cancelled&) {
      outcome = kCancelled;
    } catch (const c10::Error& e) {
      outcome = kFailed;
      message = QString::fromStdString(e.what_without_backtrace());
    } catch (const std::exception& e) {
      outcome = kFailed;
      message = QString::fromStdString(e.what());
    }
    m_workDone = true;  // from here on the work no longer touches *this
    QMetaObject::invokeMethod(
        qApp,
        [self, outcome, message] {
          if (self) self->finish(outcome, message);
        },
        Qt::QueuedConnection);
  });
  return true;
}

void BackgroundJob::reportProgress(double fraction, const QString& text) {
  QPointer<BackgroundJob> self(this);
  QMetaObject::invokeMethod(
      qApp,
      [self, fraction, text] {
        if (self && self->m_running) emit self->progress(fraction, text);
      },
      Qt::QueuedConnection);
}

void BackgroundJob::finish(int outcome, const QString& message) {
  m_running = false;
  if (outcome == kSucceeded)
    emit succeeded();
  else if (outcome == kCancelled)
    emit cancelled();
  else
    emit failed(message);
}

bool BackgroundJob::waitForFinished(int timeoutMs) {
  QDeadlineTimer deadline(timeoutMs);
  while (m_running && !deadline.hasExpired()) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(2);
  }
  return !m_running;
}

}  // namespace latentlab::ui
