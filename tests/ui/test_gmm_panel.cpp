// The GMM dock driven through its real widgets on a tiny VAE and a folder data set made here:
// a fit shows K thumbnails whose pixels are core's decode of core's fitted means, the map then
// draws that mixture, the typicality meter agrees with core's log-likelihoods, sampling from a
// component gives core's sample, "store with model" writes the mixture into the file, and
// Model > Analyse with a Data Set stores core's class attributes and a GMM and shows them.
#include <QComboBox>
#include <QFile>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>

#include "core/fitting/analyse.h"
#include "core/fitting/gmm.h"
#include "tests/ui/analysis_test_support.h"
#include "tests/ui/ui_test_support.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/analysis/model_store.h"
#include "ui/attributes/attribute_panel.h"
#include "ui/gmm/gmm_panel.h"
#include "ui/latent/latent_panel.h"
#include "ui/latent_map/latent_scatter_view.h"
#include "ui/widgets/thumbnail_list.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

namespace {
constexpr int kClasses = AnalysisScene::kClasses, kPerClass = AnalysisScene::kPerClass,
              kLatentDim = AnalysisScene::kLatentDim;
}

class TestGmmPanel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void noMixtureUntilOneIsFitted();
  void fitShowsKThumbnailsOfCoreMeans();
  void typicalityMeterIsCorePercentile();
  void sampleFromComponentIsCoreSample();
  void storeWritesTheMixtureIntoTheCheckpoint();
  void analyseStoresClassAttributesAndAGmm();

 private:
  GmmPanel* panel() const { return m_window->analysisDocks()->gmm(); }
  // Fits K components of the given covariance through the panel's widgets.
  bool fitThroughWidgets(int components, const QString& covariance);
  Gmm coreFit(int components, CovarianceType covariance) const;

  QTemporaryDir m_dir;
  AnalysisScene m_scene;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestGmmPanel::initTestCase() {
  QVERIFY(m_dir.isValid());
  m_scene = makeAnalysisScene(m_dir, "test_gmm_panel");
}

void TestGmmPanel::init() {
  m_messages.clear();
  m_window = openAnalysisWindow(m_scene, &m_messages);
  QVERIFY(m_window);
}

void TestGmmPanel::cleanup() { m_window.reset(); }

bool TestGmmPanel::fitThroughWidgets(int components, const QString& covariance) {
  panel()->findChild<QSpinBox*>("components")->setValue(components);
  auto* box = panel()->findChild<QComboBox*>("covariance");
  box->setCurrentIndex(box->findData(covariance));
  QSignalSpy shown(panel(), &GmmPanel::componentsShown);
  QTest::mouseClick(panel()->findChild<QPushButton*>("fit"), Qt::LeftButton);
  return panel()->fitJob()->waitForFinished(60000) && (shown.count() > 0 || shown.wait(20000));
}

Gmm TestGmmPanel::coreFit(int components, CovarianceType covariance) const {
  GmmFitOptions options;
  options.components = components;
  options.covariance = covariance;
  return fit_gmm(m_scene.reference.means, options).model;
}

void TestGmmPanel::noMixtureUntilOneIsFitted() {
  // The tiny checkpoint stores none: nothing to show, sample or store; the meter says so.
  QCOMPARE(panel()->components()->count(), 0);
  QVERIFY(!panel()->findChild<QPushButton*>("sample")->isEnabled());
  QVERIFY(!panel()->findChild<QPushButton*>("store")->isEnabled());
  QVERIFY(!panel()->typicalityMeter()->isEnabled());
  QVERIFY(panel()->findChild<QPushButton*>("fit")->isEnabled());
}

void TestGmmPanel::fitShowsKThumbnailsOfCoreMeans() {
  QVERIFY(fitThroughWidgets(3, "diag"));
  const Gmm expected = coreFit(3, CovarianceType::Diagonal);
  const auto& active = m_window->analysisDocks()->analysis()->data().gmm;
  QVERIFY(active);
  QCOMPARE(active->model.covariance_type(), CovarianceType::Diagonal);
  QVERIFY(torch::allclose(active->model.means(), expected.means(), 1e-4, 1e-4));
  QCOMPARE(panel()->components()->count(), 3);
  // The panel decodes the K means in one batch, so core's batch decode is the reference (a
  // mean decoded alone may round one pixel to the next grey level: seen on 2026-12-04).
  const auto reference = referenceImages(m_scene.path, expected.means().to(torch::kFloat32));
  for (int k = 0; k < 3; ++k)
    QVERIFY2(samePixels(panel()->components()->image(k), reference[size_t(k)]),
             qPrintable(QString::number(k)));
  // The map draws the new mixture: its ellipses and its components as colours.
  QVERIFY(waitForAnalysisDocks(*m_window));
  LatentScatterView* view = m_window->analysisDocks()->map()->view();
  QCOMPARE(view->ellipseCount(), 3);
  m_window->analysisDocks()->map()->setColouring("gmm");
  const auto labels = expected.predict(m_scene.reference.means);
  for (int i = 0; i < view->pointCount(); ++i)
    QCOMPARE(int64_t(view->groupOf(i)), labels[i].item<int64_t>());
  // Clicking a thumbnail loads that component's mean.
  emit panel()->components()->thumbnailActivated(2);
  QVERIFY(closeVectors(m_window->currentLatent(), rowVector(expected.means()[2])));
}

void TestGmmPanel::typicalityMeterIsCorePercentile() {
  QVERIFY(fitThroughWidgets(2, "full"));
  const Gmm gmm = coreFit(2, CovarianceType::Full);
  const auto data = gmm.log_likelihood(m_scene.reference.means);
  for (const std::vector<float>& z :
       {rowVector(m_scene.reference.means[5]), std::vector<float>(kLatentDim, 0.0f),
        std::vector<float>(kLatentDim, 6.0f)}) {
    m_window->loadLatent(z, "test");
    QVERIFY(waitForAnalysisDocks(*m_window));  // evaluated on the GMM panel's worker
    const double ll = gmm.log_likelihood_of(torch::tensor(z));
    const double percentile = 100.0 * (data < ll).sum().item<double>() / double(data.numel());
    QCOMPARE(panel()->typicalityMeter()->value(), int(percentile * 10));
    QVERIFY(panel()->typicalityMeter()->isEnabled());
  }
  // Far from every point: less likely than all of them.
  QCOMPARE(panel()->typicalityMeter()->value(), 0);
}

void TestGmmPanel::sampleFromComponentIsCoreSample() {
  QVERIFY(fitThroughWidgets(3, "spherical"));
  const Gmm gmm = coreFit(3, CovarianceType::Spherical);
  panel()->components()->setCurrentRow(1);
  auto* sample = panel()->findChild<QPushButton*>("sample");
  for (uint64_t seed : {0, 1}) {
    QTest::mouseClick(sample, Qt::LeftButton);
    QVERIFY(closeVectors(m_window->currentLatent(), rowVector(gmm.sample(1, seed, 1)[0]), 1e-4f));
  }
}

void TestGmmPanel::storeWritesTheMixtureIntoTheCheckpoint() {
  // On a copy: the other tests keep a checkpoint without a mixture.
  const QString copy = m_dir.filePath("copy.llckpt");
  QFile::remove(copy);
  QVERIFY(QFile::copy(m_scene.path, copy));
  QVERIFY(openAndEncode(*m_window, copy, m_scene.spec));
  QVERIFY(fitThroughWidgets(2, "full"));
  auto* store = panel()->findChild<QPushButton*>("store");
  QVERIFY(store->isEnabled());
  QTest::mouseClick(store, Qt::LeftButton);
  QVERIFY(m_messages.isEmpty());
  const LoadedModel reread = load_model(copy.toStdString());
  QVERIFY(reread.info.gmm.has_value());
  const Gmm stored = Gmm::from_info(*reread.info.gmm);
  QCOMPARE(stored.components(), int64_t(2));
  QVERIFY(torch::allclose(stored.means(), coreFit(2, CovarianceType::Full).means(), 1e-4, 1e-4));
  // Reopened, the stored mixture is shown at once, without a fit.
  QSignalSpy shown(panel(), &GmmPanel::componentsShown);
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  m_window->openCheckpoint(copy);
  QVERIFY(changed.wait(20000));
  QVERIFY(shown.count() > 0 || shown.wait(20000));
  QVERIFY(m_window->analysisDocks()->analysis()->data().gmm->stored);
  QCOMPARE(panel()->components()->count(), 2);
  QVERIFY(!store->isEnabled());  // already there
}

void TestGmmPanel::analyseStoresClassAttributesAndAGmm() {
  const QString copy = m_dir.filePath("analysed.llckpt");
  QFile::remove(copy);
  QVERIFY(QFile::copy(m_scene.path, copy));
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  m_window->openCheckpoint(copy);
  QVERIFY(changed.wait(20000));
  QSignalSpy analysed(m_window->analyser(), &ModelAnalyser::analysed);
  QVERIFY(m_window->startAnalysis(m_scene.spec));
  QVERIFY(analysed.wait(60000));
  QVERIFY(changed.wait(20000));  // opened again to show what was stored
  QVERIFY2(m_messages.join("\n").contains("Stored in " + copy), qPrintable(m_messages.join("\n")));

  // One attribute per class folder, as core computes them from the same latents.
  AttributeOptions options;
  options.source = m_scene.spec.toStdString();
  const auto expected = labelled_attributes(m_scene.reference, {}, options);
  QCOMPARE(int(expected.size()), kClasses);
  QCOMPARE(m_window->attributePanel()->attributes().size(), kClasses);
  const LoadedModel reread = load_model(copy.toStdString());
  for (const auto& r : expected)
    QVERIFY(closeVectors(reread.info.attributes.at(r.name).direction, r.vector.direction, 1e-5f));
  QVERIFY(reread.info.gmm.has_value());
  QCOMPARE(QString::fromStdString(reread.info.datasets.front()), m_scene.spec);
  QVERIFY(m_window->analysisDocks()->analysis()->data().gmm->stored);
}

QTEST_MAIN(TestGmmPanel)
#include "test_gmm_panel.moc"
