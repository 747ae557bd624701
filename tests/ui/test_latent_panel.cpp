// The Latent panel in the main window: most active dimensions first, the text filter, PCA axes,
// Randomise with truncation, Reset and per-slider reset. Orders and directions are checked
// against core computed independently; pixels against core's decode.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>
#include <numeric>

#include "core/analysis/projection.h"
#include "core/fitting/gmm.h"
#include "tests/ui/ui_test_support.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/value_slider.h"
#include "ui/window/main_window.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

namespace {

// Rows shown (not filtered out), in display order.
std::vector<int> shownRows(const LatentPanel* panel) {
  std::vector<int> shown;
  for (int i : panel->rowOrder())
    if (!panel->row(i)->isHidden()) shown.push_back(i);
  return shown;
}

QPushButton* button(QWidget* parent, const QString& text) {
  for (auto* b : parent->findChildren<QPushButton*>())
    if (b->text() == text) return b;
  return nullptr;
}

// Indices sorted by decreasing value, ties in index order.
std::vector<int> descendingOrder(const std::vector<double>& values) {
  std::vector<int> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return values[size_t(a)] > values[size_t(b)]; });
  return order;
}

// One Gaussian component with covariance `covariance` (D x D, row major) stored in the checkpoint.
void storeGmm(const QString& path, int64_t dim, const std::vector<float>& covariance) {
  LoadedModel loaded = load_model(path.toStdString(), "cpu");
  GaussianMixture g;
  g.components = 1;
  g.dim = dim;
  g.weights = {1.0f};
  g.means.assign(size_t(dim), 0.0f);
  g.means[0] = 0.5f;
  g.covariances = covariance;
  loaded.info.gmm = g;
  update_checkpoint_info(path.toStdString(), loaded.info);
}

}  // namespace

class TestLatentPanel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void largeLatentShowsTheMostSensitiveDimensionsFirst();
  void filterShowsOnlyMatchingRows();
  void guidedCoordinatesAreNamedAfterTheirAttributes();
  void storedGmmOrdersByPosteriorVariance();
  void slidersReachAsFarAsTheStoredGmm();
  void pcaAxisMovesTheLatentAlongThePrincipalDirection();
  void randomiseStaysWithinTheTruncation();
  void resetAndPerSliderReset();
  void aSliderHeldWhileTheDirectionsArriveSurvives();

 private:
  bool openAndWaitForDirections(const QString& path);
  bool waitForImage() {
    return QTest::qWaitFor([this] { return m_window->renderSettled(); }, 20000);
  }
  LatentPanel* panel() const { return m_window->latentPanel(); }
  static void drag(QSlider* slider, int to);

  QTemporaryDir m_dir;
  QString m_wide;  // 20 dimensions, no GMM: ordered by decoder sensitivity
  QString m_gmm;   // 6 dimensions with a stored one-component GMM
  std::vector<float> m_covariance;
  std::unique_ptr<MainWindow> m_window;
};

void TestLatentPanel::initTestCase() {
  QVERIFY(m_dir.isValid());
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath("settings"));
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName("test_latent_panel");
  m_wide = m_dir.filePath("wide.llckpt");
  saveTinyVae(m_wide, {1, 12, 12}, 20, {}, /*seed=*/3);
  // A covariance with distinct variances per dimension and a strong 0-2 correlation, so the
  // principal axes are not the coordinate axes.
  const int64_t d = 6;
  torch::manual_seed(5);
  const auto a = torch::randn({d, d}, torch::kFloat64);
  const auto cov = torch::matmul(a, a.t()) +
                   torch::diag(torch::tensor({3.0, 0.1, 1.0, 0.5, 2.0, 0.05}, torch::kFloat64));
  const auto c = cov.to(torch::kFloat32).contiguous();
  m_covariance.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  m_gmm = m_dir.filePath("gmm.llckpt");
  saveTinyVae(m_gmm, {3, 12, 12}, d, {}, /*seed=*/4);
  storeGmm(m_gmm, d, m_covariance);
}

void TestLatentPanel::init() {
  m_window = std::make_unique<MainWindow>("cpu");
  m_window->setMessageHandler([](const QString&, const QString& text) { QFAIL(qPrintable(text)); });
  m_window->show();
}

void TestLatentPanel::cleanup() { m_window.reset(); }

bool TestLatentPanel::openAndWaitForDirections(const QString& path) {
  QSignalSpy ready(panel(), &LatentPanel::directionsReady);
  m_window->openCheckpoint(path);
  return ready.wait(30000) && waitForImage() && !m_window->imageView()->image().isNull();
}

void TestLatentPanel::drag(QSlider* slider, int to) {
  slider->setSliderDown(true);
  const int from = slider->value();
  for (int step = 1; step <= 4; ++step) slider->setValue(from + (to - from) * step / 4);
  slider->setSliderDown(false);
}

void TestLatentPanel::largeLatentShowsTheMostSensitiveDimensionsFirst() {
  QVERIFY(openAndWaitForDirections(m_wide));
  QCOMPARE(panel()->axes(), LatentPanel::Axes::MostActiveFirst);  // 20 > kManyDimensions
  QCOMPARE(panel()->axesBox()->currentText(), QString("Most active first"));
  // |decode(e_i) - decode(0)| computed here one image at a time.
  LoadedModel loaded = load_model(m_wide.toStdString(), "cpu");
  const auto origin = loaded.model->decode(torch::zeros({1, 20}));
  std::vector<double> sensitivity;
  for (int64_t i = 0; i < 20; ++i) {
    auto z = torch::zeros({1, 20});
    z[0][i] = 1.0f;
    sensitivity.push_back((loaded.model->decode(z) - origin).abs().mean().item<double>());
  }
  QCOMPARE(panel()->rowOrder(), descendingOrder(sensitivity));
  QVERIFY(panel()->rowOrder() != descendingOrder(std::vector<double>(20, 0.0)));  // not index order
  // The top row is dimension rowOrder()[0]: moving it moves that dimension of the latent.
  const int top = panel()->rowOrder().front();
  drag(panel()->row(top)->slider(), 150);
  QVERIFY(waitForImage());
  const std::vector<float> expected = openingLatentWith(20, {{top, 1.5f}});
  QCOMPARE(m_window->currentLatent(), expected);
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_wide, expected)));
  // Back to index order through the combo box; the latent stays.
  const int byIndex = panel()->axesBox()->findData(int(LatentPanel::Axes::Dimensions));
  panel()->axesBox()->setCurrentIndex(byIndex);
  emit panel()->axesBox()->activated(byIndex);
  QCOMPARE(panel()->rowOrder(), descendingOrder(std::vector<double>(20, 0.0)));
  QCOMPARE(m_window->currentLatent(), expected);
}

void TestLatentPanel::filterShowsOnlyMatchingRows() {
  QVERIFY(openAndWaitForDirections(m_wide));
  QTest::keyClicks(panel()->filterEdit(), "z1");
  std::vector<int> shown = shownRows(panel());
  std::sort(shown.begin(), shown.end());
  QCOMPARE(shown, (std::vector<int>{1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}));
  panel()->filterEdit()->clear();
  QTest::keyClicks(panel()->filterEdit(), "Z3, z7");
  shown = shownRows(panel());
  std::sort(shown.begin(), shown.end());
  QCOMPARE(shown, (std::vector<int>{3, 7}));
  panel()->filterEdit()->clear();
  QCOMPARE(shownRows(panel()).size(), size_t(20));
}

// A guided VAE (train --attribute-weight) names its first coordinates: the rows say so and the
// filter finds them by attribute.
void TestLatentPanel::guidedCoordinatesAreNamedAfterTheirAttributes() {
  const QString guided = m_dir.filePath("guided.llckpt");
  saveTinyVae(guided, {1, 12, 12}, 20, {}, /*seed=*/6);
  LoadedModel loaded = load_model(guided.toStdString(), "cpu");
  loaded.info.guided_attributes = {"Smiling", "Eyeglasses"};
  update_checkpoint_info(guided.toStdString(), loaded.info);
  QVERIFY(openAndWaitForDirections(guided));
  // 20 dimensions would be shown most active first; the named ones stay on top instead.
  QCOMPARE(panel()->axes(), LatentPanel::Axes::Dimensions);
  QCOMPARE(panel()->rowOrder().front(), 0);
  QCOMPARE(panel()->row(0)->label(), QString("z0 Smiling"));
  QCOMPARE(panel()->row(1)->label(), QString("z1 Eyeglasses"));
  QCOMPARE(panel()->row(2)->label(), QString("z2"));
  QTest::keyClicks(panel()->filterEdit(), "eyeglasses");
  QCOMPARE(shownRows(panel()), std::vector<int>{1});
  panel()->filterEdit()->clear();
  // Another model's sliders carry no names.
  QVERIFY(openAndWaitForDirections(m_gmm));
  QCOMPARE(panel()->row(0)->label(), QString("z0"));
}

void TestLatentPanel::storedGmmOrdersByPosteriorVariance() {
  QVERIFY(openAndWaitForDirections(m_gmm));
  // 6 dimensions: index order by default; most active first on request.
  QCOMPARE(panel()->axes(), LatentPanel::Axes::Dimensions);
  QCOMPARE(panel()->directions().activitySource, QString("posterior-variance"));
  panel()->setAxes(LatentPanel::Axes::MostActiveFirst);
  std::vector<double> variances;
  for (int i = 0; i < 6; ++i) variances.push_back(m_covariance[size_t(i * 6 + i)]);
  QCOMPARE(panel()->rowOrder(), descendingOrder(variances));
  QVERIFY(panel()->row(panel()->rowOrder().front())->toolTip().contains("posterior means"));
}

void TestLatentPanel::slidersReachAsFarAsTheStoredGmm() {
  // Without a GMM every slider spans +-3 (prior standard deviations).
  QVERIFY(openAndWaitForDirections(m_wide));
  for (int i = 0; i < 20; ++i) QCOMPARE(panel()->row(i)->slider()->maximum(), 300);
  // With one: +-(|mean| + 3 sd) of the stored component, rounded up to 0.5, at least 3. The
  // covariance's diagonal is 1-10 here, so most dimensions reach further than 3.
  QVERIFY(openAndWaitForDirections(m_gmm));
  int wider = 0;
  for (int i = 0; i < 6; ++i) {
    const double mean = i == 0 ? 0.5 : 0.0;
    const double reach = mean + 3.0 * std::sqrt(double(m_covariance[size_t(i * 6 + i)]));
    const double range = std::max(3.0, std::ceil(reach * 2.0) / 2.0);
    QCOMPARE(panel()->row(i)->slider()->maximum(), int(std::lround(range * 100)));
    QCOMPARE(panel()->row(i)->slider()->minimum(), -int(std::lround(range * 100)));
    QCOMPARE(panel()->row(i)->spinBox()->maximum(), range);
    wider += range > 3.0;
  }
  QVERIFY(wider >= 3);
  // A value inside the wider range is shown as it is, not clamped to 3.
  std::vector<float> z = m_window->currentLatent();
  const int widest =
      int(std::max_element(m_covariance.begin(), m_covariance.end()) - m_covariance.begin()) % 6;
  z[size_t(widest)] = 4.25f;
  panel()->setValues(z);
  QCOMPARE(panel()->row(widest)->spinBox()->value(), 4.25);
  QCOMPARE(panel()->row(widest)->slider()->value(), 425);
}

void TestLatentPanel::pcaAxisMovesTheLatentAlongThePrincipalDirection() {
  QVERIFY(openAndWaitForDirections(m_gmm));
  const int pcaIndex = panel()->axesBox()->findData(int(LatentPanel::Axes::Pca));
  panel()->axesBox()->setCurrentIndex(pcaIndex);
  emit panel()->axesBox()->activated(pcaIndex);
  QCOMPARE(panel()->axes(), LatentPanel::Axes::Pca);
  QCOMPARE(panel()->row(0)->label(), QString("PC1"));
  // The sliders start at the stored mixture's mean (one component, mean e_0 / 2), and switching
  // the axes keeps the latent.
  std::vector<float> home(6, 0.0f);
  home[0] = 0.5f;
  QCOMPARE(m_window->currentLatent(), home);

  // Core's PCA of the stored mixture, from samples of our own.
  LoadedModel loaded = load_model(m_gmm.toStdString(), "cpu");
  const auto samples = Gmm::from_info(*loaded.info.gmm).sample(50000, /*seed=*/77);
  const Projection pca = fit_pca(samples, 0);
  const auto u1 = pca.components[0];
  const double sd1 = std::sqrt(pca.explained_variance[0].item<double>());

  const std::vector<float> before = m_window->currentLatent();
  // z = 0 lies a little off the data's mean, so PC1 starts near, not at, 0.
  const double start = panel()->row(0)->value();
  drag(panel()->row(0)->slider(), 100);  // PC1 to +1 standard deviation
  const double expectedLength = (1.0 - start) * sd1;
  QVERIFY(waitForImage());
  const std::vector<float> after = m_window->currentLatent();
  auto delta = torch::zeros({6}, torch::kFloat64);
  for (int i = 0; i < 6; ++i) delta[i] = double(after[size_t(i)]) - double(before[size_t(i)]);
  const double length = delta.norm().item<double>();
  const double cosine = (delta / length).dot(u1).item<double>();
  QVERIFY2(std::abs(cosine) > 0.999, qPrintable(QString::number(cosine)));
  QVERIFY2(std::abs(length - expectedLength) < 0.02 * expectedLength,
           qPrintable(QString("%1 vs %2").arg(length).arg(expectedLength)));
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_gmm, after)));

  // Reset in PCA mode goes to the data's mean; back to dimensions the latent stays.
  QTest::mouseClick(button(panel(), "Reset"), Qt::LeftButton);
  QVERIFY(waitForImage());
  const std::vector<float> mean = m_window->currentLatent();
  QVERIFY(std::abs(mean[0] - 0.5f) < 0.05f);  // the stored component's mean is (0.5, 0, ...)
  panel()->setAxes(LatentPanel::Axes::Dimensions);
  QCOMPARE(m_window->currentLatent(), mean);
}

void TestLatentPanel::randomiseStaysWithinTheTruncation() {
  QVERIFY(openAndWaitForDirections(m_wide));
  panel()->setTruncation(0.4);
  QPushButton* randomise = button(panel(), "Randomise");
  QVERIFY(randomise);
  for (int round = 0; round < 3; ++round) {
    QTest::mouseClick(randomise, Qt::LeftButton);
    QVERIFY(waitForImage());
    const std::vector<float> z = m_window->currentLatent();
    QVERIFY(z != openingLatent(20));
    for (float v : z) QVERIFY2(std::abs(v) <= 0.4f, qPrintable(QString::number(v)));
    QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_wide, z)));
  }
}

void TestLatentPanel::resetAndPerSliderReset() {
  QVERIFY(openAndWaitForDirections(m_wide));
  panel()->setValues(std::vector<float>(20, 1.25f));
  QVERIFY(waitForImage());
  QTest::mouseClick(panel()->row(4)->resetButton(), Qt::LeftButton);
  QVERIFY(waitForImage());
  std::vector<float> expected(20, 1.25f);
  expected[4] = 0.0f;
  QCOMPARE(m_window->currentLatent(), expected);
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_wide, expected)));
  QTest::mouseClick(button(panel(), "Reset"), Qt::LeftButton);
  QVERIFY(waitForImage());
  QCOMPARE(m_window->currentLatent(), openingLatent(20));
}

// The activity statistics arrive after the model and refresh the rows' tool tips and order: a
// slider the user is dragging then must stay the same widget (it was deleted under the mouse).
void TestLatentPanel::aSliderHeldWhileTheDirectionsArriveSurvives() {
  QVERIFY(openAndWaitForDirections(m_wide));
  QPointer<QSlider> held = panel()->row(0)->slider();
  held->setSliderDown(true);
  held->setValue(80);
  panel()->showDirections(panel()->directions());
  QVERIFY(held);
  QVERIFY(held->isSliderDown());
  QCOMPARE(held->value(), 80);
  held->setValue(120);  // the drag goes on and still moves the latent
  held->setSliderDown(false);
  QVERIFY(waitForImage());
  QCOMPARE(m_window->currentLatent(), openingLatentWith(20, {{0, 1.2f}}));
}

QTEST_MAIN(TestLatentPanel)
#include "test_latent_panel.moc"
