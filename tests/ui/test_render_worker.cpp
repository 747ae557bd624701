// The render worker on its own thread: coalescing, pixels equal to core's decode, errors.
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "tests/ui/ui_test_support.h"
#include "ui/render/render_worker.h"

using latentlab::ui::ModelSummary;
using latentlab::ui::RenderWorker;
using namespace latentlab::test;

class TestRenderWorker : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void cleanupTestCase();
  void modelSummaryDescribesTheCheckpoint();
  void rapidRequestsRenderOnlyTheNewest();
  void unblockedBurstEndsOnTheLastLatent();
  void failingRenderIsReportedOnceAndRenderingGoesOn();
  void latentForAnOldModelIsDropped();
  void badFileKeepsTheCurrentModel();

 private:
  // Runs everything queued on the worker's thread so far, then returns.
  void flushWorker() {
    QMetaObject::invokeMethod(
        m_worker, [] {}, Qt::BlockingQueuedConnection);
  }
  // Holds the worker's thread busy until release() so requests pile up behind it.
  void blockWorker() {
    QMetaObject::invokeMethod(
        m_worker,
        [this] {
          m_entered.release();
          m_gate.acquire();
        },
        Qt::QueuedConnection);
    m_entered.acquire();
  }
  void releaseWorker() { m_gate.release(); }
  std::vector<float> latent(float a) const {
    std::vector<float> z(size_t(m_summary.latentDim));
    for (size_t i = 0; i < z.size(); ++i) z[i] = a * float(i % 3) - 0.5f * a;
    return z;
  }

  QTemporaryDir m_dir;
  QString m_path;
  QThread m_thread;
  RenderWorker* m_worker = nullptr;
  ModelSummary m_summary;
  QSemaphore m_entered;
  QSemaphore m_gate;
};

void TestRenderWorker::initTestCase() {
  QVERIFY(m_dir.isValid());
  m_path = m_dir.filePath("tiny.llckpt");
  saveTinyVae(m_path, {3, 16, 16}, 6, {{"Smiling", std::vector<float>(6, 0.5f)}});
  m_worker = new RenderWorker;
  m_worker->moveToThread(&m_thread);
  m_thread.start();
  QSignalSpy loaded(m_worker, &RenderWorker::modelLoaded);
  m_worker->requestLoad(m_path, "cpu");
  QVERIFY(loaded.wait(20000));
  m_summary = loaded.first().first().value<ModelSummary>();
}

void TestRenderWorker::cleanupTestCase() {
  m_thread.quit();
  m_thread.wait();
  delete m_worker;
}

void TestRenderWorker::modelSummaryDescribesTheCheckpoint() {
  QVERIFY(m_summary.isValid());
  QCOMPARE(m_summary.kind, QString("vae"));
  QCOMPARE(m_summary.latentDim, 6);
  QCOMPARE(m_summary.channels, 3);
  QCOMPARE(m_summary.height, 16);
  QCOMPARE(m_summary.width, 16);
  QCOMPARE(m_summary.device, QString("cpu"));
  QCOMPARE(m_summary.name, QString("tiny-6"));
  QCOMPARE(m_summary.attributeNames, QStringList{"Smiling"});
  QCOMPARE(m_summary.attributeVectors.at(0), std::vector<float>(6, 0.5f));
}

void TestRenderWorker::rapidRequestsRenderOnlyTheNewest() {
  QSignalSpy images(m_worker, &RenderWorker::imageReady);
  const int before = m_worker->renderCount();
  blockWorker();
  quint64 last = 0;
  for (int i = 0; i < 50; ++i)
    last = m_worker->requestRender(m_summary.generation, latent(0.05f * i));
  releaseWorker();
  flushWorker();
  // 50 requests while the worker was busy: it renders once, the newest.
  QCOMPARE(m_worker->renderCount() - before, 1);
  QCOMPARE(images.count(), 1);
  QCOMPARE(images.first().at(0).value<quint64>(), last);
  const QImage image = images.first().at(1).value<QImage>();
  QVERIFY(images.first().at(2).toDouble() > 0.0);
  QCOMPARE(image.format(), QImage::Format_RGB888);
  QVERIFY(samePixels(image, referenceImage(m_path, latent(0.05f * 49))));
  QVERIFY(!samePixels(image, referenceImage(m_path, latent(0.05f * 48))));
}

void TestRenderWorker::unblockedBurstEndsOnTheLastLatent() {
  QSignalSpy images(m_worker, &RenderWorker::imageReady);
  const int before = m_worker->renderCount();
  quint64 last = 0;
  for (int i = 0; i < 50; ++i)
    last = m_worker->requestRender(m_summary.generation, latent(-0.04f * i));
  flushWorker();
  QVERIFY(m_worker->renderCount() - before <= 50);
  QVERIFY(images.count() >= 1);
  QCOMPARE(images.last().at(0).value<quint64>(), last);
  QVERIFY(
      samePixels(images.last().at(1).value<QImage>(), referenceImage(m_path, latent(-0.04f * 49))));
  // Ids rise, so the UI can drop anything older than what it shows.
  for (int i = 1; i < images.count(); ++i)
    QVERIFY(images.at(i).at(0).value<quint64>() > images.at(i - 1).at(0).value<quint64>());
}

void TestRenderWorker::failingRenderIsReportedOnceAndRenderingGoesOn() {
  QSignalSpy images(m_worker, &RenderWorker::imageReady);
  QSignalSpy failures(m_worker, &RenderWorker::failed);
  std::vector<float> bad = latent(1.0f);
  bad[2] = std::numeric_limits<float>::quiet_NaN();
  const quint64 firstBad = m_worker->requestRender(m_summary.generation, bad);
  flushWorker();
  m_worker->requestRender(m_summary.generation, bad);  // the same error again: not repeated
  flushWorker();
  QCOMPARE(failures.count(), 1);
  QCOMPARE(failures.first().at(0).value<quint64>(), firstBad);
  QVERIFY2(failures.first().at(1).toString().contains("NaN"),
           qPrintable(failures.first().at(1).toString()));
  QCOMPARE(images.count(), 0);

  const quint64 good = m_worker->requestRender(m_summary.generation, latent(0.3f));
  flushWorker();
  QCOMPARE(images.count(), 1);
  QCOMPARE(images.first().at(0).value<quint64>(), good);
  QVERIFY(samePixels(images.first().at(1).value<QImage>(), referenceImage(m_path, latent(0.3f))));

  // After a success the same error is news again; a wrong latent length fails too.
  m_worker->requestRender(m_summary.generation, bad);
  flushWorker();
  m_worker->requestRender(m_summary.generation, std::vector<float>(3, 0.0f));
  flushWorker();
  QCOMPARE(failures.count(), 3);
  QVERIFY(failures.last().at(1).toString().contains("6"));
}

void TestRenderWorker::latentForAnOldModelIsDropped() {
  QSignalSpy images(m_worker, &RenderWorker::imageReady);
  QSignalSpy failures(m_worker, &RenderWorker::failed);
  const int before = m_worker->renderCount();
  m_worker->requestRender(m_summary.generation + 1, latent(0.1f));
  flushWorker();
  QCOMPARE(m_worker->renderCount(), before);
  QCOMPARE(images.count() + failures.count(), 0);
}

void TestRenderWorker::badFileKeepsTheCurrentModel() {
  const QString corrupt = m_dir.filePath("corrupt.llckpt");
  QFile file(corrupt);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write("LLCKPT this is not a checkpoint");
  file.close();
  QSignalSpy failures(m_worker, &RenderWorker::loadFailed);
  QSignalSpy loaded(m_worker, &RenderWorker::modelLoaded);
  m_worker->requestLoad(corrupt, "cpu");
  m_worker->requestLoad(m_dir.filePath("missing.llckpt"), "cpu");
  flushWorker();
  QCOMPARE(loaded.count(), 0);
  QCOMPARE(failures.count(), 2);
  QCOMPARE(failures.at(0).at(0).toString(), corrupt);
  QVERIFY(failures.at(0).at(1).toString().contains("corrupt.llckpt"));
  QVERIFY(failures.at(1).at(1).toString().contains("missing.llckpt"));

  QSignalSpy images(m_worker, &RenderWorker::imageReady);
  m_worker->requestRender(m_summary.generation, latent(0.7f));
  flushWorker();
  QCOMPARE(images.count(), 1);
  QVERIFY(samePixels(images.first().at(1).value<QImage>(), referenceImage(m_path, latent(0.7f))));
}

QTEST_GUILESS_MAIN(TestRenderWorker)
#include "test_render_worker.moc"
