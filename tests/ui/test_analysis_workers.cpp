// The workers that follow the live latent for the analysis docks: CoalescingWorker runs only the
// newest job of each slot (a blocked worker and 50 posts behind it), and the map's projector, the
// neighbour search and the typicality probe, given 50 latents in a burst, end on the answer core
// gives for the last one (core's PCA, nearest_neighbours and GMM log-likelihoods, computed here).
#include <QSemaphore>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <mutex>

#include "core/analysis/neighbours.h"
#include "core/analysis/projection.h"
#include "core/fitting/gmm.h"
#include "tests/ui/analysis_test_support.h"
#include "ui/analysis/coalescing_worker.h"
#include "ui/analysis/map_projector.h"
#include "ui/analysis/neighbour_search.h"
#include "ui/analysis/typicality_probe.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

namespace {

constexpr int kBurst = 50;

// Latent i of a burst: a different point for every i, near the data.
std::vector<float> burstLatent(const torch::Tensor& means, int i) {
  return rowVector(means[i % means.size(0)] * (1.0 + 0.01 * i));
}

}  // namespace

class TestAnalysisWorkers : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void cleanupTestCase();
  void blockedWorkerRunsOnlyTheNewestJob();
  void slotsAreIndependentAndRunInOrder();
  void projectorEndsOnTheLastLatentsMarker();
  void neighbourSearchEndsOnTheLastLatentsNeighbours();
  void typicalityEndsOnTheLastLatentsPercentile();

 private:
  QTemporaryDir m_dir;
  AnalysisScene m_scene;
  std::optional<Gmm> m_gmm;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestAnalysisWorkers::initTestCase() {
  QVERIFY(m_dir.isValid());
  m_scene = makeAnalysisScene(m_dir, "test_analysis_workers");
  // A stored mixture, so the analysis has one with every point's log-likelihood.
  GmmFitOptions options;
  options.components = 2;
  ModelInfo info = load_model(m_scene.path.toStdString()).info;
  info.gmm = fit_gmm(m_scene.reference.means, options).model.to_info();
  update_checkpoint_info(m_scene.path.toStdString(), info);
  m_gmm = Gmm::from_info(*load_model(m_scene.path.toStdString()).info.gmm);  // as stored
  m_window = openAnalysisWindow(m_scene, &m_messages);
  QVERIFY(m_window);
}

void TestAnalysisWorkers::cleanupTestCase() { m_window.reset(); }

void TestAnalysisWorkers::blockedWorkerRunsOnlyTheNewestJob() {
  CoalescingWorker worker(QStringLiteral("test"), 1);
  QSemaphore entered, gate;
  worker.post(0, [&] {
    entered.release();
    gate.acquire();
  });
  entered.acquire();  // the worker is busy: everything posted now waits behind it
  std::mutex mutex;
  std::vector<int> ran;
  for (int i = 0; i < kBurst; ++i)
    worker.post(0, [&, i] {
      std::lock_guard<std::mutex> lock(mutex);
      ran.push_back(i);
    });
  gate.release();
  QTRY_COMPARE(worker.runCount(), 2);
  QTest::qWait(50);  // nothing else is still to come
  QCOMPARE(worker.runCount(), 2);
  std::lock_guard<std::mutex> lock(mutex);
  QCOMPARE(ran, std::vector<int>{kBurst - 1});
}

void TestAnalysisWorkers::slotsAreIndependentAndRunInOrder() {
  CoalescingWorker worker(QStringLiteral("test"), 3);
  QSemaphore entered, gate;
  worker.post(1, [&] {
    entered.release();
    gate.acquire();
  });
  entered.acquire();
  std::mutex mutex;
  QStringList ran;
  auto job = [&](const char* name) {
    return [&, name] {
      std::lock_guard<std::mutex> lock(mutex);
      ran << name;
    };
  };
  worker.post(2, job("layout-old"));
  worker.post(0, job("marker-old"));
  worker.post(1, job("neighbours"));
  worker.post(0, job("marker-new"));  // replaces marker-old only
  worker.post(2, job("layout-new"));  // replaces layout-old only
  gate.release();
  QTRY_COMPARE(worker.runCount(), 4);
  std::lock_guard<std::mutex> lock(mutex);
  QCOMPARE(ran, (QStringList{"marker-new", "neighbours", "layout-new"}));
}

void TestAnalysisWorkers::projectorEndsOnTheLastLatentsMarker() {
  MapProjector projector(m_window->analysisDocks()->analysis());
  QSignalSpy layouts(&projector, &MapProjector::layoutReady);
  QSignalSpy markers(&projector, &MapProjector::markerMoved);
  projector.setProjection("pca");
  for (int i = 0; i < kBurst; ++i) projector.track(burstLatent(m_scene.reference.means, i));
  QTRY_VERIFY(projector.isSettled());
  QCOMPARE(layouts.count(), 1);
  QVERIFY(markers.count() >= 1 && markers.count() <= kBurst + 1);
  const Projection pca = fit_pca(m_scene.reference.means, 2);
  const auto expected =
      pca.project(torch::tensor(burstLatent(m_scene.reference.means, kBurst - 1)));
  const QPointF last = markers.last().at(0).toPointF();
  QVERIFY(std::abs(last.x() - expected[0].item<double>()) < 1e-5);
  QVERIFY(std::abs(last.y() - expected[1].item<double>()) < 1e-5);
  // A latent of another length has no place in the plane.
  QSignalSpy cleared(&projector, &MapProjector::markerCleared);
  projector.track({1.0f, 2.0f});
  QVERIFY(cleared.wait(5000));
}

void TestAnalysisWorkers::neighbourSearchEndsOnTheLastLatentsNeighbours() {
  NeighbourSearch search(m_window->analysisDocks()->analysis());
  std::vector<Neighbour> last;
  connect(&search, &NeighbourSearch::found, this,
          [&last](const std::vector<Neighbour>& found) { last = found; });
  for (int i = 0; i < kBurst; ++i) search.search(burstLatent(m_scene.reference.means, i), 5);
  QTRY_VERIFY(search.isSettled());
  const auto expected = nearest_neighbours(
      m_scene.reference.means, torch::tensor(burstLatent(m_scene.reference.means, kBurst - 1)), 5);
  QCOMPARE(int(last.size()), 5);
  for (int j = 0; j < 5; ++j) {
    QCOMPARE(int64_t(last[size_t(j)].index), expected.indices[j].item<int64_t>());
    QVERIFY(std::abs(last[size_t(j)].distance - expected.distances[j].item<double>()) < 1e-4);
    QVERIFY(!last[size_t(j)].image.isNull());
  }
}

void TestAnalysisWorkers::typicalityEndsOnTheLastLatentsPercentile() {
  TypicalityProbe probe(m_window->analysisDocks()->analysis());
  QSignalSpy evaluated(&probe, &TypicalityProbe::evaluated);
  for (int i = 0; i < kBurst; ++i) probe.evaluate(burstLatent(m_scene.reference.means, i));
  QTRY_VERIFY(probe.isSettled());
  QVERIFY(evaluated.count() >= 1 && evaluated.count() <= kBurst);
  const auto z = torch::tensor(burstLatent(m_scene.reference.means, kBurst - 1));
  const double ll = m_gmm->log_likelihood_of(z);
  const auto data = m_gmm->log_likelihood(m_scene.reference.means);
  const double percentile = 100.0 * (data < ll).sum().item<double>() / double(data.numel());
  const auto last = evaluated.last().at(0).value<Typicality>();
  QVERIFY(last.hasMixture);
  QVERIFY(std::abs(last.logLikelihood - ll) < 1e-4 * (1.0 + std::abs(ll)));
  QVERIFY(std::abs(last.percentile - percentile) < 1e-9);
}

QTEST_MAIN(TestAnalysisWorkers)
#include "test_analysis_workers.moc"
