// The Latent map's UMAP, t-SNE and attribute axes through the real panel on the analysis scene:
// the layout shown is core's for the same latents and parameters, it is cached with the
// embedding, the marker follows the current latent through the method's transform, a running
// layout can be cancelled, and attribute axes are labelled by their attributes.
#include <QComboBox>
#include <QPushButton>

#include "core/analysis/attribute_axes.h"
#include "core/analysis/tsne.h"
#include "core/analysis/umap.h"
#include "core/fitting/attributes.h"
#include "tests/ui/analysis_test_support.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/latent_map/latent_scatter_view.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

class TestMapLayouts : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup() { m_window.reset(); }
  void umapIsCoresLayoutAndIsCached();
  void tsneRunsFromTheRunButtonAndPlacesTheMarker();
  void runningLayoutCancels();
  void attributeAxesAreLabelledByTheirAttributes();

 private:
  LatentMapPanel* map() const { return m_window->analysisDocks()->map(); }
  LatentScatterView* view() const { return map()->view(); }
  torch::Tensor latents() const;  // what the panel encoded
  void expectShown(const torch::Tensor& xy) const;

  QTemporaryDir m_dir;
  AnalysisScene m_scene;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestMapLayouts::initTestCase() {
  QVERIFY(m_dir.isValid());
  m_scene = makeAnalysisScene(m_dir, "test_map_layouts");
}

void TestMapLayouts::init() {
  m_messages.clear();
  m_window = openAnalysisWindow(m_scene, &m_messages);
  QVERIFY(m_window);
}

torch::Tensor TestMapLayouts::latents() const {
  const LatentAnalysis* analysis = m_window->analysisDocks()->analysis();
  std::vector<torch::Tensor> rows;
  for (int i = 0; i < analysis->size(); ++i) rows.push_back(torch::tensor(analysis->latent(i)));
  return torch::stack(rows);
}

void TestMapLayouts::expectShown(const torch::Tensor& xy) const {
  QCOMPARE(view()->pointCount(), int(xy.size(0)));
  for (int i = 0; i < view()->pointCount(); ++i) {
    // t-SNE keeps float64 positions, core's embedding() hands out float32.
    QVERIFY(std::abs(view()->point(i).x() - xy[i][0].item<double>()) <
            1e-6 * (1 + std::abs(xy[i][0].item<double>())));
    QVERIFY(std::abs(view()->point(i).y() - xy[i][1].item<double>()) <
            1e-6 * (1 + std::abs(xy[i][1].item<double>())));
  }
}

void TestMapLayouts::umapIsCoresLayoutAndIsCached() {
  const QString spec = QStringLiteral("umap:neighbours=8,min_dist=0.2,iterations=80,seed=4");
  map()->setProjection(spec);
  QCOMPARE(map()->projection(), spec);
  QVERIFY(waitForAnalysisDocks(*m_window));
  UmapOptions options;
  options.neighbours = 8;
  options.min_dist = 0.2;
  options.epochs = 80;
  options.seed = 4;
  Umap umap(options);
  umap.initialize(latents());
  umap.step(80);
  expectShown(umap.embedding().to(torch::kFloat64));
  // The marker is the current latent placed by UMAP's transform.
  const std::vector<float> z = m_window->analysisDocks()->analysis()->latent(7);
  map()->setCurrentLatent(z);
  QVERIFY(waitForAnalysisDocks(*m_window));
  QVERIFY(view()->hasMarker());
  const auto placed = umap.transform(torch::tensor(z)).to(torch::kFloat64);
  QCOMPARE(view()->markerPosition().x(), placed[0].item<double>());
  // Back to PCA and to the same UMAP: the cached layout, without optimising again.
  map()->setProjection(QStringLiteral("pca"));
  QVERIFY(waitForAnalysisDocks(*m_window));
  const QStringList cached = QDir(m_dir.filePath("cache")).entryList({"*.layout"});
  QCOMPARE(cached.size(), 1);
  map()->setProjection(spec);
  QVERIFY(waitForAnalysisDocks(*m_window));
  expectShown(umap.embedding().to(torch::kFloat64));
  QVERIFY(m_messages.isEmpty());
}

void TestMapLayouts::tsneRunsFromTheRunButtonAndPlacesTheMarker() {
  auto* box = map()->findChild<QComboBox*>("projection");
  box->setCurrentIndex(box->findData(QStringLiteral("tsne")));
  QCOMPARE(view()->xLabel().left(3), QString("PC1"));  // nothing runs before Run
  QTest::mouseClick(map()->findChild<QPushButton*>("runMap"), Qt::LeftButton);
  QVERIFY(waitForAnalysisDocks(*m_window));
  QCOMPARE(map()->projection(), QString("tsne:perplexity=30,iterations=1000,seed=0"));
  TsneOptions options;
  Tsne tsne(options);
  tsne.initialize(latents());
  tsne.step(1000);
  expectShown(tsne.embedding().to(torch::kFloat64));
  QVERIFY(view()->xLabel().startsWith("t-SNE"));
  QVERIFY(view()->yLabel().contains("perplexity 19"));  // capped at (N - 1) / 3 for 60 points
  const std::vector<float> z = m_window->analysisDocks()->analysis()->latent(3);
  map()->setCurrentLatent(z);
  QVERIFY(waitForAnalysisDocks(*m_window));
  const auto placed = tsne.transform(torch::tensor(z)).to(torch::kFloat64);
  QVERIFY(std::abs(view()->markerPosition().y() - placed[1].item<double>()) < 1e-4);
}

void TestMapLayouts::runningLayoutCancels() {
  map()->setProjection(QStringLiteral("umap:neighbours=8,iterations=5000,seed=1"));
  BackgroundJob* job = map()->findChild<BackgroundJob*>();
  QVERIFY(job);
  QSignalSpy cancelled(job, &BackgroundJob::cancelled);
  QTest::qWait(50);
  job->cancel();
  QVERIFY(cancelled.count() > 0 || cancelled.wait(20000));
  QVERIFY(waitForAnalysisDocks(*m_window));
  QVERIFY(QDir(m_dir.filePath("cache")).entryList({"*iterations-5000*"}).isEmpty());
  map()->setProjection(QStringLiteral("pca"));  // and the map still works
  QVERIFY(waitForAnalysisDocks(*m_window));
  QCOMPARE(view()->pointCount(), m_window->analysisDocks()->analysis()->size());
}

void TestMapLayouts::attributeAxesAreLabelledByTheirAttributes() {
  map()->setProjection(QStringLiteral("attributes:class2,class0"));
  QVERIFY(waitForAnalysisDocks(*m_window));
  QCOMPARE(map()->projection(), QString("attributes:class2,class0"));
  QCOMPARE(view()->xLabel(), QString("class2"));
  QCOMPARE(view()->yLabel(), QString("class0"));
  const LatentAnalysis* analysis = m_window->analysisDocks()->analysis();
  const auto p = attribute_projection(
      "attributes:class2,class0",
      attribute_directions(*analysis->model().info, analysis->data().embedding), latents());
  const auto xy = p.project(latents());
  for (int i = 0; i < view()->pointCount(); i += 7)
    QVERIFY(std::abs(view()->point(i).x() - xy[i][0].item<double>()) < 1e-5);
}

QTEST_MAIN(TestMapLayouts)
#include "test_map_layouts.moc"
