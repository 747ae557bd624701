// BackgroundJob: the work runs off the UI thread, progress arrives, and exactly one of
// succeeded / failed / cancelled is emitted with the work's own error message.
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <atomic>

#include "core/common/error.h"
#include "ui/analysis/background_job.h"

using latentlab::ui::BackgroundJob;

class TestBackgroundJob : public QObject {
  Q_OBJECT

 private slots:
  void workRunsOffTheUiThreadAndSucceeds() {
    BackgroundJob job;
    QSignalSpy done(&job, &BackgroundJob::succeeded);
    QSignalSpy progress(&job, &BackgroundJob::progress);
    QThread* workThread = nullptr;
    QVERIFY(job.start([&](BackgroundJob& j) {
      workThread = QThread::currentThread();
      j.reportProgress(0.5, QStringLiteral("half"));
    }));
    QVERIFY(job.waitForFinished());
    QCOMPARE(done.count(), 1);
    QVERIFY(workThread != nullptr && workThread != QThread::currentThread());
    QCOMPARE(progress.count(), 1);
    QCOMPARE(progress.at(0).at(0).toDouble(), 0.5);
    QCOMPARE(progress.at(0).at(1).toString(), QStringLiteral("half"));
  }

  void errorBecomesFailedWithItsMessage() {
    BackgroundJob job;
    QSignalSpy failed(&job, &BackgroundJob::failed);
    QSignalSpy done(&job, &BackgroundJob::succeeded);
    job.start([](BackgroundJob&) { throw latentlab::InputError("strip.png: not writable"); });
    QVERIFY(job.waitForFinished());
    QCOMPARE(done.count(), 0);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("strip.png: not writable"));
  }

  void cancelStopsTheWorkAndSaysCancelled() {
    BackgroundJob job;
    QSignalSpy cancelled(&job, &BackgroundJob::cancelled);
    QSignalSpy done(&job, &BackgroundJob::succeeded);
    std::atomic<bool> started{false};
    job.start([&](BackgroundJob& j) {
      started = true;
      while (!j.isCancelled()) QThread::msleep(1);
      throw latentlab::Cancelled();
    });
    while (!started) QThread::msleep(1);
    QVERIFY(!job.start([](BackgroundJob&) {}));  // one run at a time
    job.cancel();
    QVERIFY(job.waitForFinished());
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(done.count(), 0);
    QVERIFY(job.start([](BackgroundJob&) {}));  // and it can run again
    QVERIFY(job.waitForFinished());
    QCOMPARE(done.count(), 1);
  }
};

QTEST_MAIN(TestBackgroundJob)
#include "test_background_job.moc"
