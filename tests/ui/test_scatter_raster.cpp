// The latent scatter with a CelebA-sized map (200,000 points): drawn as a raster, coloured by group
// where the points are, empty where they are not, recoloured like the graphs, hover and click
// finding the nearest point (checked against a brute-force search), and written as PNG, PDF and
// SVG. A small map still uses QCustomPlot's scatter graphs.
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <limits>
#include <random>

#include "ui/latent_map/latent_scatter_view.h"

using latentlab::ui::LatentScatterView;

namespace {

constexpr int kPoints = 200000;
const QColor kRed(220, 30, 30), kBlue(30, 30, 220);

struct Blobs {
  std::vector<double> x, y;
  std::vector<int> group;  // 0: the blob around (-5, 0), 1: the one around (5, 0)
};

// Two Gaussian blobs, half the points each, and one lone point of group 0 at (0, 8).
Blobs twoBlobs(int n) {
  std::mt19937 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  Blobs b;
  for (int i = 0; i < n - 1; ++i) {
    const int g = i % 2;
    b.x.push_back((g == 0 ? -5.0 : 5.0) + normal(rng));
    b.y.push_back(normal(rng));
    b.group.push_back(g);
  }
  b.x.push_back(0.0);
  b.y.push_back(8.0);
  b.group.push_back(0);
  return b;
}

QVector<LatentScatterView::Group> redBlue() { return {{"left", kRed}, {"right", kBlue}}; }

}  // namespace

class TestScatterRaster : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void manyPointsAreRasterisedInTheirGroupsColours();
  void recolouringRedrawsTheRaster();
  void hoverFindsTheNearestPointAmongAllOfThem();
  void exportsPngPdfAndSvg();
  void aSmallMapKeepsItsScatterGraphs();
  void theAxesFillTheViewWhateverTheLegendHolds();

 private:
  QImage grab() const { return m_view->plotWidget()->grab().toImage(); }

  Blobs m_blobs;
  std::unique_ptr<LatentScatterView> m_view;
  QTemporaryDir m_dir;
};

void TestScatterRaster::initTestCase() {
  m_blobs = twoBlobs(kPoints);
  m_view = std::make_unique<LatentScatterView>();
  m_view->resize(700, 500);
  m_view->show();
  QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
  m_view->setPoints(m_blobs.x, m_blobs.y, "x", "y");
  m_view->setGroups(m_blobs.group, redBlue());
  m_view->timedReplot();
}

void TestScatterRaster::manyPointsAreRasterisedInTheirGroupsColours() {
  QVERIFY(m_view->rasterised());
  QCOMPARE(m_view->pointCount(), kPoints);
  const QImage image = grab();
  const QColor left = image.pixelColor(m_view->pixelOf({-5.0, 0.0}));
  const QColor right = image.pixelColor(m_view->pixelOf({5.0, 0.0}));
  // The blob's centres are dense: nearly opaque group colour over the white plot.
  QVERIFY2(left.red() > 180 && left.blue() < 80, qPrintable(left.name()));
  QVERIFY2(right.blue() > 180 && right.red() < 80, qPrintable(right.name()));
  // Nothing lies near (0, 4): the background shows.
  QCOMPARE(image.pixelColor(m_view->pixelOf({0.0, 4.0})), QColor(Qt::white));
  // The lone point shows, fainter than the blob's centre.
  const QColor lone = image.pixelColor(m_view->pixelOf({0.0, 8.0}));
  QVERIFY2(lone != QColor(Qt::white) && lone.red() > lone.blue(), qPrintable(lone.name()));
  QVERIFY2(lone.green() > left.green(), qPrintable(lone.name() + " vs " + left.name()));
}

void TestScatterRaster::recolouringRedrawsTheRaster() {
  m_view->setGroups(m_blobs.group, {{"left", kBlue}, {"right", kRed}});
  m_view->timedReplot();
  const QColor left = grab().pixelColor(m_view->pixelOf({-5.0, 0.0}));
  QVERIFY2(left.blue() > 180 && left.red() < 80, qPrintable(left.name()));
  m_view->setGroups(m_blobs.group, redBlue());
  m_view->timedReplot();
}

void TestScatterRaster::hoverFindsTheNearestPointAmongAllOfThem() {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> pick(0, kPoints - 1);
  for (int trial = 0; trial < 20; ++trial) {
    const QPoint pixel = m_view->pixelOf(m_view->point(pick(rng)));
    const int found = m_view->pointAt(pixel, 5);
    QVERIFY(found >= 0);
    // Brute force over every point's pixel: nothing is nearer than what was found.
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < kPoints; ++i) {
      const QPoint p = m_view->pixelOf(m_view->point(i)) - pixel;
      best = std::min(best, double(p.x()) * p.x() + double(p.y()) * p.y());
    }
    const QPoint d = m_view->pixelOf(m_view->point(found)) - pixel;
    QVERIFY(double(d.x()) * d.x() + double(d.y()) * d.y() <= best + 1.0);
  }
  // The lone point is found from 3 pixels away; empty space finds nothing.
  QCOMPARE(m_view->pointAt(m_view->pixelOf({0.0, 8.0}) + QPoint(3, 0), 5), kPoints - 1);
  QCOMPARE(m_view->pointAt(m_view->pixelOf({0.0, 4.0}), 5), -1);
}

void TestScatterRaster::exportsPngPdfAndSvg() {
  for (const char* name : {"map.png", "map.pdf", "map.svg"}) {
    QString error;
    QVERIFY2(m_view->exportTo(m_dir.filePath(name), &error), qPrintable(error));
  }
  const QImage png(m_dir.filePath("map.png"));
  QCOMPARE(png.size(), m_view->plotWidget()->size() * 2);
  const QColor left = png.pixelColor(m_view->pixelOf({-5.0, 0.0}) * 2);
  QVERIFY2(left.red() > 180 && left.blue() < 80, qPrintable(left.name()));
  QFile pdf(m_dir.filePath("map.pdf"));
  QVERIFY(pdf.open(QIODevice::ReadOnly));
  QVERIFY(pdf.read(5) == "%PDF-");
  QFile svg(m_dir.filePath("map.svg"));
  QVERIFY(svg.open(QIODevice::ReadOnly));
  const QByteArray text = svg.readAll();
  QVERIFY(text.contains("<svg"));
  QVERIFY(text.contains("<image"));                              // the raster, embedded
  QVERIFY(text.contains(">left<") && text.contains(">right<"));  // the legend, as text
  QString error;
  QVERIFY(!m_view->exportTo(m_dir.filePath("map.bmp"), &error));
  QVERIFY2(error.contains("map.bmp") && error.contains(".svg"), qPrintable(error));
}

void TestScatterRaster::aSmallMapKeepsItsScatterGraphs() {
  const Blobs small = twoBlobs(1000);
  m_view->setPoints(small.x, small.y, "x", "y");
  m_view->setGroups(small.group, redBlue());
  m_view->timedReplot();
  QVERIFY(!m_view->rasterised());
  const QColor lone = grab().pixelColor(m_view->pixelOf({0.0, 8.0}));
  QVERIFY2(lone.red() > lone.blue(), qPrintable(lone.name()));
}

void TestScatterRaster::theAxesFillTheViewWhateverTheLegendHolds() {
  // The legend's column once capped the plot's height at the legend's: 87 px of 500 when empty.
  LatentScatterView view;
  view.resize(700, 500);
  view.show();
  QVERIFY(QTest::qWaitForWindowExposed(&view));
  view.timedReplot();
  const auto tall = [&](double top) {
    return view.pixelOf({0.0, 0.0}).y() - view.pixelOf({0.0, top}).y() > 0.7 * view.height();
  };
  QVERIFY(tall(5.0));  // no points yet: the default range 0..5
  view.setPoints({0.0, 1.0}, {0.0, 1.0}, "x", "y");
  view.setGroups({0, 0}, {{"one", kRed}});
  view.timedReplot();
  QVERIFY(tall(1.0));
}

QTEST_MAIN(TestScatterRaster)
#include "test_scatter_raster.moc"
