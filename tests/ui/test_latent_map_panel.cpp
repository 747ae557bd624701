// The Latent map dock driven through its real widgets on a tiny VAE and a 60-image folder data
// set made here: the scatter against core's PCA of core's encoding, the cache, clicking and
// hovering points, the live marker, the neighbour strip, rectangle selections that become an
// attribute and interpolation endpoints, GMM colours and ellipses, export, and a bad data set.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QTemporaryDir>
#include <QToolButton>

#include "core/analysis/neighbours.h"
#include "core/analysis/projection.h"
#include "core/fitting/attributes.h"
#include "core/fitting/gmm.h"
#include "tests/ui/analysis_test_support.h"
#include "tests/ui/ui_test_support.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/attributes/attribute_panel.h"
#include "ui/interpolation/interpolation_dock.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/latent/latent_panel.h"
#include "ui/latent_map/latent_scatter_view.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/thumbnail_list.h"
#include "ui/widgets/value_slider.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

namespace {

constexpr int kClasses = AnalysisScene::kClasses, kPerClass = AnalysisScene::kPerClass,
              kLatentDim = AnalysisScene::kLatentDim, kGmmComponents = 2;

void sendMouse(QWidget* w, QEvent::Type type, QPoint pos, Qt::MouseButton button,
               Qt::MouseButtons buttons) {
  QMouseEvent event(type, QPointF(pos), QPointF(w->mapToGlobal(pos)), button, buttons,
                    Qt::NoModifier);
  QApplication::sendEvent(w, &event);
}

void dragRectangle(QWidget* w, QPoint from, QPoint to) {
  sendMouse(w, QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
  sendMouse(w, QEvent::MouseMove, (from + to) / 2, Qt::NoButton, Qt::LeftButton);
  sendMouse(w, QEvent::MouseMove, to, Qt::NoButton, Qt::LeftButton);
  sendMouse(w, QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
}

}  // namespace

class TestLatentMapPanel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void scatterIsCorePcaOfCoreEncoding();
  void twoChosenDimensionsAreTheLatentValues();
  void encodeButtonEncodesThenReadsTheCache();
  void clickingAPointLoadsItsLatent();
  void hoveringAPointShowsItsImage();
  void markerFollowsTheSliders();
  void neighbourStripShowsTheNearestImages();
  void coloursAndEllipsesComeFromTheStoredGmm();
  void selectionsBecomeAnAttributeAndEndpoints();
  void exportsPngAndPdf();
  void badDataSetShowsAMessageAndKeepsTheMap();

 private:
  LatentMapPanel* map() const { return m_window->analysisDocks()->map(); }
  LatentScatterView* view() const { return map()->view(); }
  // A point whose pixel no other point shares, so a click there can only mean it.
  int isolatedPoint() const;
  QImage datasetImage(int index) const;

  QTemporaryDir m_dir;
  AnalysisScene m_scene;
  std::optional<Gmm> m_gmm;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestLatentMapPanel::initTestCase() {
  QVERIFY(m_dir.isValid());
  m_scene = makeAnalysisScene(m_dir, "test_latent_map_panel");
  QCOMPARE(m_scene.reference.means.size(0), int64_t(kClasses * kPerClass));
  // A stored mixture, as `latentlab-cli gmm` leaves it in a checkpoint.
  GmmFitOptions options;
  options.components = kGmmComponents;
  m_gmm = fit_gmm(m_scene.reference.means, options).model;
  ModelInfo info = load_model(m_scene.path.toStdString()).info;
  info.gmm = m_gmm->to_info();
  update_checkpoint_info(m_scene.path.toStdString(), info);
}

void TestLatentMapPanel::init() {
  m_messages.clear();
  m_window = openAnalysisWindow(m_scene, &m_messages);
  QVERIFY(m_window);
  view()->timedReplot();  // lays the axes out, so pixels map to coordinates
}

void TestLatentMapPanel::cleanup() { m_window.reset(); }

int TestLatentMapPanel::isolatedPoint() const {
  for (int i = 0; i < view()->pointCount(); ++i) {
    const QPoint p = view()->pixelOf(view()->point(i));
    bool alone = true;
    for (int j = 0; j < view()->pointCount() && alone; ++j)
      alone = j == i || (view()->pixelOf(view()->point(j)) - p).manhattanLength() > 12;
    if (alone) return i;
  }
  return -1;
}

QImage TestLatentMapPanel::datasetImage(int index) const {
  // The PNG itself, in the sorted order folder: promises (class folders, then file names).
  const int c = index / kPerClass, i = index % kPerClass;
  return QImage(
      QDir(m_scene.spec.mid(7))
          .filePath(QStringLiteral("class%1/%2.png").arg(c).arg(i, 3, 10, QLatin1Char('0'))));
}

void TestLatentMapPanel::scatterIsCorePcaOfCoreEncoding() {
  QCOMPARE(view()->pointCount(), kClasses * kPerClass);
  QCOMPARE(map()->projection(), QString("pca"));
  const auto xy = fit_pca(m_scene.reference.means, 2).project(m_scene.reference.means);
  const double scale = xy.abs().max().item<double>();
  for (int i = 0; i < view()->pointCount(); ++i) {
    QVERIFY2(std::abs(view()->point(i).x() - xy[i][0].item<double>()) < 1e-4 * scale,
             qPrintable(QString::number(i)));
    QVERIFY(std::abs(view()->point(i).y() - xy[i][1].item<double>()) < 1e-4 * scale);
  }
  // Coloured by class: one group per class folder, each point in its own class's.
  QCOMPARE(map()->colouring(), QString("class"));
  QCOMPARE(view()->groupCount(), kClasses);
  for (int i = 0; i < view()->pointCount(); ++i) QCOMPARE(view()->groupOf(i), i / kPerClass);
}

void TestLatentMapPanel::twoChosenDimensionsAreTheLatentValues() {
  map()->setProjection("dims:1,3");
  QCOMPARE(map()->projection(), QString("dims:1,3"));
  QVERIFY(waitForAnalysisDocks(*m_window));  // projected on the map's worker
  for (int i = 0; i < view()->pointCount(); ++i) {
    QCOMPARE(float(view()->point(i).x()), m_scene.reference.means[i][1].item<float>());
    QCOMPARE(float(view()->point(i).y()), m_scene.reference.means[i][3].item<float>());
  }
}

void TestLatentMapPanel::encodeButtonEncodesThenReadsTheCache() {
  LatentAnalysis* analysis = m_window->analysisDocks()->analysis();
  auto* encode = map()->findChild<QPushButton*>("encode");
  auto* status = map()->findChild<QLabel*>("status");
  QCOMPARE(map()->findChild<QComboBox*>("dataset")->currentText(), m_scene.spec);
  QDir(m_dir.filePath("cache")).removeRecursively();
  for (bool cached : {false, true}) {
    QSignalSpy encoded(analysis, &LatentAnalysis::embeddingChanged);
    QTest::mouseClick(encode, Qt::LeftButton);
    QVERIFY(encoded.wait(30000));
    QVERIFY(waitForAnalysisDocks(*m_window));
    QCOMPARE(analysis->fromCache(), cached);
    QCOMPARE(status->text().contains("cache"), cached);
    QCOMPARE(view()->pointCount(), kClasses * kPerClass);
    QVERIFY(torch::allclose(analysis->data().embedding.means, m_scene.reference.means, 1e-5, 1e-5));
  }
  // The data set is remembered for this model.
  const QVariantMap remembered = QSettings().value("analysis/datasets").toMap();
  QCOMPARE(remembered.value(m_scene.path).toString(), m_scene.spec);
}

void TestLatentMapPanel::clickingAPointLoadsItsLatent() {
  const int i = isolatedPoint();
  QVERIFY(i >= 0);
  QTest::mouseClick(view()->plotWidget(), Qt::LeftButton, Qt::NoModifier,
                    view()->pixelOf(view()->point(i)));
  QVERIFY(closeVectors(m_window->latentPanel()->values(), rowVector(m_scene.reference.means[i])));
  QVERIFY(closeVectors(m_window->currentLatent(), rowVector(m_scene.reference.means[i])));
  QVERIFY(QTest::qWaitFor([this] { return m_window->renderSettled(); }, 20000));
  QVERIFY(samePixels(m_window->imageView()->image(),
                     referenceImage(m_scene.path, m_window->currentLatent())));
}

void TestLatentMapPanel::hoveringAPointShowsItsImage() {
  const int i = isolatedPoint();
  QVERIFY(i >= 0);
  sendMouse(view()->plotWidget(), QEvent::MouseMove, view()->pixelOf(view()->point(i)),
            Qt::NoButton, Qt::NoButton);
  QCOMPARE(map()->hoveredPoint(), i);
  QVERIFY(map()->hoverTip()->isVisible());
  QVERIFY(samePixels(m_window->analysisDocks()->analysis()->image(i), datasetImage(i)));
  sendMouse(view()->plotWidget(), QEvent::MouseMove, {1, 1}, Qt::NoButton, Qt::NoButton);
  QCOMPARE(map()->hoveredPoint(), -1);
  QVERIFY(!map()->hoverTip()->isVisible());
  // Leaving the plot from a point hides the thumbnail too.
  sendMouse(view()->plotWidget(), QEvent::MouseMove, view()->pixelOf(view()->point(i)),
            Qt::NoButton, Qt::NoButton);
  QVERIFY(map()->hoverTip()->isVisible());
  QEvent leave(QEvent::Leave);
  QApplication::sendEvent(view()->plotWidget(), &leave);
  QVERIFY(!map()->hoverTip()->isVisible());
}

void TestLatentMapPanel::markerFollowsTheSliders() {
  const Projection pca = fit_pca(m_scene.reference.means, 2);
  auto expected = [&] {
    const auto xy = pca.project(torch::tensor(m_window->currentLatent()));
    return QPointF(xy[0].item<double>(), xy[1].item<double>());
  };
  QVERIFY(view()->hasMarker());
  const QPointF before = view()->markerPosition();
  QVERIFY(std::abs(before.x() - expected().x()) < 1e-5 &&
          std::abs(before.y() - expected().y()) < 1e-5);
  QSlider* slider = m_window->latentPanel()->row(0)->slider();
  slider->setSliderDown(true);
  for (int v : {50, 120, 200}) {
    slider->setValue(v);
    // Live while dragging: the marker is where core's PCA puts the current latent, as soon as
    // the map's worker has projected it.
    QVERIFY(waitForAnalysisDocks(*m_window));
    const QPointF now = view()->markerPosition();
    QVERIFY(std::abs(now.x() - expected().x()) < 1e-5 && std::abs(now.y() - expected().y()) < 1e-5);
  }
  slider->setSliderDown(false);
  QVERIFY(view()->markerPosition() != before);
}

void TestLatentMapPanel::neighbourStripShowsTheNearestImages() {
  const int i = isolatedPoint();
  QTest::mouseClick(view()->plotWidget(), Qt::LeftButton, Qt::NoModifier,
                    view()->pixelOf(view()->point(i)));
  ThumbnailList* strip = map()->neighbours();
  // The strip follows the latent after a short coalescing delay: wait for the clicked point first.
  QVERIFY(QTest::qWaitFor(
      [&] { return strip->count() == 8 && samePixels(strip->image(0), datasetImage(i)); }, 5000));
  const auto found =
      nearest_neighbours(m_scene.reference.means, torch::tensor(m_window->currentLatent()), 8);
  QCOMPARE(found.indices[0].item<int64_t>(), int64_t(i));
  for (int j = 0; j < 8; ++j)
    QVERIFY(samePixels(strip->image(j), datasetImage(int(found.indices[j].item<int64_t>()))));
  // Clicking a neighbour loads its latent.
  emit strip->thumbnailActivated(3);
  QVERIFY(closeVectors(m_window->currentLatent(),
                       rowVector(m_scene.reference.means[found.indices[3].item<int64_t>()])));
}

void TestLatentMapPanel::coloursAndEllipsesComeFromTheStoredGmm() {
  QCOMPARE(view()->ellipseCount(), kGmmComponents);
  map()->setColouring("gmm");
  QCOMPARE(map()->colouring(), QString("gmm"));
  QCOMPARE(view()->groupCount(), kGmmComponents);
  const auto components = m_gmm->predict(m_scene.reference.means);
  for (int i = 0; i < view()->pointCount(); ++i)
    QCOMPARE(int64_t(view()->groupOf(i)), components[i].item<int64_t>());
  auto* ellipses = map()->findChild<QCheckBox*>();
  ellipses->setChecked(false);
  QCOMPARE(view()->ellipseCount(), 0);
}

void TestLatentMapPanel::selectionsBecomeAnAttributeAndEndpoints() {
  const auto xy = fit_pca(m_scene.reference.means, 2).project(m_scene.reference.means);
  // Rectangles over the left and the right third of the points, in their pixels.
  const double lo = xy.select(1, 0).min().item<double>(), hi = xy.select(1, 0).max().item<double>();
  const double ylo = xy.select(1, 1).min().item<double>(),
               yhi = xy.select(1, 1).max().item<double>();
  auto rectangle = [&](double x0, double x1) {
    return std::make_pair(view()->pixelOf({x0, yhi + 0.01 * (yhi - ylo)}),
                          view()->pixelOf({x1, ylo - 0.01 * (yhi - ylo)}));
  };
  auto expectedInside = [&](double x0, double x1) {
    std::vector<int> out;
    for (int i = 0; i < int(xy.size(0)); ++i)
      if (xy[i][0].item<double>() > x0 && xy[i][0].item<double>() < x1) out.push_back(i);
    return out;
  };
  const double third = (hi - lo) / 3;
  const double leftEnd = lo + third, rightStart = hi - third;
  QTest::mouseClick(map()->findChild<QToolButton*>("selectMode"), Qt::LeftButton);
  const auto [a0, a1] = rectangle(lo - third, leftEnd);
  dragRectangle(view()->plotWidget(), a0, a1);
  const std::vector<int> left = map()->selection();
  QCOMPARE(left, expectedInside(lo - third, leftEnd));
  QVERIFY(!left.empty());
  QTest::mouseClick(map()->findChild<QPushButton*>("setWith"), Qt::LeftButton);

  // The selection's centroid becomes interpolation endpoint A (B likewise), shown in that dock.
  InterpolationPanel* interpolation = m_window->interpolationDock()->panel();
  auto rows = [&](const std::vector<int>& indices) {
    return m_scene.reference.means.index_select(
        0, torch::tensor(std::vector<int64_t>(indices.begin(), indices.end())));
  };
  auto centroid = [&](const std::vector<int>& indices) { return rowVector(rows(indices).mean(0)); };
  QTest::mouseClick(map()->findChild<QPushButton*>("endpointA"), Qt::LeftButton);
  QVERIFY(interpolation->endpoint(0).has_value());
  QVERIFY(closeVectors(*interpolation->endpoint(0), centroid(left)));

  const auto [b0, b1] = rectangle(rightStart, hi + third);
  dragRectangle(view()->plotWidget(), b0, b1);
  const std::vector<int> right = map()->selection();
  QCOMPARE(right, expectedInside(rightStart, hi + third));
  QTest::mouseClick(map()->findChild<QPushButton*>("setWithout"), Qt::LeftButton);
  QTest::mouseClick(map()->findChild<QPushButton*>("endpointB"), Qt::LeftButton);
  QVERIFY(interpolation->endpoint(1).has_value());
  QVERIFY(closeVectors(*interpolation->endpoint(1), centroid(right)));
  map()->findChild<QLineEdit*>("attributeName")->setText("Left");
  QSignalSpy added(m_window->attributePanel(), &AttributePanel::attributesChanged);
  QTest::mouseClick(map()->findChild<QPushButton*>("newAttribute"), Qt::LeftButton);
  QCOMPARE(added.count(), 1);

  AttributePanel* attributes = m_window->attributePanel();
  QCOMPARE(attributes->attributes().last(), QString("Left"));
  const AttributeVector expected = user_attribute(rows(left), rows(right), "test");
  QVERIFY(
      closeVectors(attributes->direction(attributes->attributes().size() - 1), expected.direction));
  // Its slider moves the latent along it.
  attributes->row(attributes->attributes().size() - 1)->spinBox()->setValue(1.0);
  std::vector<float> moved = m_window->latentPanel()->values();
  for (size_t d = 0; d < moved.size(); ++d) moved[d] += expected.direction[d];
  QVERIFY(closeVectors(m_window->currentLatent(), moved));

  // It is stored with the model's analysis, so the next start shows its slider again; the
  // fixture's checkpoint is then put back for the other tests.
  ModelInfo info = load_model(m_scene.path.toStdString()).info;
  QVERIFY(info.attributes.count("Left") == 1);
  QCOMPARE(info.attributes.at("Left").source, std::string("latent map selection"));
  QVERIFY(closeVectors(info.attributes.at("Left").direction, expected.direction));
  QVERIFY2(m_messages.isEmpty(), qPrintable(m_messages.join('\n')));
  info.attributes.erase("Left");
  update_checkpoint_info(m_scene.path.toStdString(), info);
}

void TestLatentMapPanel::exportsPngAndPdf() {
  const QString png = m_dir.filePath("map.png"), pdf = m_dir.filePath("map.pdf");
  QString error;
  QVERIFY2(map()->exportTo(png, &error), qPrintable(error));
  const QImage image(png);
  QVERIFY(!image.isNull());
  QVERIFY(image.width() >= view()->width() && image.height() >= view()->height());
  QVERIFY2(map()->exportTo(pdf, &error), qPrintable(error));
  QFile file(pdf);
  QVERIFY(file.open(QIODevice::ReadOnly));
  const QByteArray bytes = file.readAll();
  QVERIFY(bytes.startsWith("%PDF-"));
  QVERIFY(bytes.trimmed().endsWith("%%EOF"));
  // Refused: an unknown format, a folder that does not exist. Nothing is left behind.
  QVERIFY(!map()->exportTo(m_dir.filePath("map.bmp"), &error));
  QVERIFY(error.contains(".png"));
  QVERIFY(!map()->exportTo(m_dir.filePath("missing/map.png"), &error));
  QVERIFY(error.contains("missing"));
  QVERIFY(!QFileInfo::exists(m_dir.filePath("map.bmp")));
}

void TestLatentMapPanel::badDataSetShowsAMessageAndKeepsTheMap() {
  auto* dataset = map()->findChild<QComboBox*>("dataset");
  dataset->setCurrentText("folder:" + m_dir.filePath("no-such-folder"));
  QSignalSpy failed(m_window->analysisDocks()->analysis()->encodeJob(), &BackgroundJob::failed);
  QTest::mouseClick(map()->findChild<QPushButton*>("encode"), Qt::LeftButton);
  QVERIFY(failed.wait(20000));
  QCOMPARE(m_messages.size(), 1);
  QVERIFY2(m_messages.first().contains("no-such-folder"), qPrintable(m_messages.first()));
  QCOMPARE(view()->pointCount(), kClasses * kPerClass);  // the old map stays
  QVERIFY(map()->findChild<QPushButton*>("encode")->isEnabled());
  // A spec of no known kind is refused the same way.
  dataset->setCurrentText("mnist-of-dreams");
  QTest::mouseClick(map()->findChild<QPushButton*>("encode"), Qt::LeftButton);
  QVERIFY(failed.wait(20000));
  QCOMPARE(m_messages.size(), 2);
  QVERIFY(m_messages.last().contains("unknown data set"));
}

QTEST_MAIN(TestLatentMapPanel)
#include "test_latent_map_panel.moc"
