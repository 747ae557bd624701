// The launcher's start window (ui/start): the last image of a checkpoint is kept in the user's
// cache, read back per checkpoint, and drawn with square nearest-neighbour pixels in the main
// window's last size, before LibTorch has loaded. Qt only, as the launcher.
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "ui/start/start_image_cache.h"
#include "ui/start/start_window.h"
#include "ui/start/window_settings.h"

using namespace latentlab::ui;

class TestStartWindow : public QObject {
  Q_OBJECT

 private slots:
  void init();
  void keepsOneImagePerCheckpoint();
  void aBlockedCacheFolderLosesNothing();
  void showsTheLastImageInTheLastGeometry();
  void withoutAnImageItNamesTheCheckpoint();

 private:
  QTemporaryDir m_dir;
};

namespace {

// Four flat colours, one per pixel of a 2x2 image.
const QRgb kColours[4] = {qRgb(220, 30, 30), qRgb(30, 200, 40), qRgb(40, 60, 230),
                          qRgb(240, 220, 20)};

QImage fourPixels() {
  QImage image(2, 2, QImage::Format_RGB32);
  for (int i = 0; i < 4; ++i) image.setPixel(i % 2, i / 2, kColours[i]);
  return image;
}

// The bounding box of every pixel of exactly this colour.
QRect boxOf(const QImage& image, QRgb colour) {
  QRect box;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      if (image.pixel(x, y) == colour) box |= QRect(x, y, 1, 1);
  return box;
}

}  // namespace

void TestStartWindow::init() {
  QVERIFY(m_dir.isValid());
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path() + "/settings");
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName("test_start_window");
  QSettings().clear();
  QDir(QStandardPaths::writableLocation(QStandardPaths::CacheLocation)).removeRecursively();
}

void TestStartWindow::keepsOneImagePerCheckpoint() {
  const QString a = m_dir.filePath("a.llckpt");
  const QString b = m_dir.filePath("b.llckpt");
  QVERIFY(loadStartImage(a).isNull());
  QVERIFY(saveStartImage(a, fourPixels()));
  const QImage back = loadStartImage(a);
  QCOMPARE(back.size(), QSize(2, 2));
  for (int i = 0; i < 4; ++i) QCOMPARE(back.pixel(i % 2, i / 2), kColours[i]);
  QVERIFY(loadStartImage(b).isNull());
  // The same file named relatively finds the same image.
  QVERIFY(QDir::setCurrent(m_dir.path()));
  QCOMPARE(startImagePath(QStringLiteral("a.llckpt")), startImagePath(a));
  QVERIFY(startImagePath(a) != startImagePath(b));
  // So does a link to it, once the file exists.
  QFile(a).open(QIODevice::WriteOnly);
  QVERIFY(QFile::link(a, m_dir.filePath("link.llckpt")));
  QCOMPARE(startImagePath(m_dir.filePath("link.llckpt")), startImagePath(a));
  // A newer image replaces the old one.
  QImage grey(3, 1, QImage::Format_RGB32);
  grey.fill(qRgb(90, 90, 90));
  QVERIFY(saveStartImage(a, grey));
  QCOMPARE(loadStartImage(a).size(), QSize(3, 1));
  QVERIFY(!saveStartImage(a, QImage()));
  QCOMPARE(loadStartImage(a).size(), QSize(3, 1));
}

void TestStartWindow::aBlockedCacheFolderLosesNothing() {
  // A file where the folder should be: nothing can be written, and nothing else is touched.
  const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
  QVERIFY(QDir().mkpath(cache));
  QFile blocker(cache + "/start-images");
  QVERIFY(blocker.open(QIODevice::WriteOnly));
  blocker.write("not a folder");
  blocker.close();
  QVERIFY(!saveStartImage(m_dir.filePath("a.llckpt"), fourPixels()));
  QVERIFY(loadStartImage(m_dir.filePath("a.llckpt")).isNull());
  QVERIFY(blocker.open(QIODevice::ReadOnly));
  QCOMPARE(blocker.readAll(), QByteArray("not a folder"));
}

void TestStartWindow::showsTheLastImageInTheLastGeometry() {
  const QString checkpoint = m_dir.filePath("faces.llckpt");
  QVERIFY(saveStartImage(checkpoint, fourPixels()));
  {  // The main window's last geometry, as it saves it.
    QWidget previous;
    previous.resize(640, 420);
    QSettings().setValue(kWindowGeometryKey, previous.saveGeometry());
  }
  StartWindow window(checkpoint);
  QVERIFY(window.hasStartImage());
  QCOMPARE(window.size(), QSize(640, 420));
  QSignalSpy painted(&window, &StartWindow::firstPainted);
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  QTRY_COMPARE(painted.count(), 1);
  const QImage shot = window.grab().toImage().convertToFormat(QImage::Format_RGB32);
  window.update();
  QTest::qWait(50);
  QCOMPARE(painted.count(), 1);  // once only

  // Each image pixel is one square block, all of one size, in the image's arrangement, large.
  QRect boxes[4];
  for (int i = 0; i < 4; ++i) {
    boxes[i] = boxOf(shot, kColours[i]);
    QVERIFY2(boxes[i].width() >= 100 && boxes[i].width() == boxes[i].height(),
             qPrintable(
                 QString("colour %1: %2x%3").arg(i).arg(boxes[i].width()).arg(boxes[i].height())));
    QCOMPARE(boxes[i].size(), boxes[0].size());
  }
  QCOMPARE(boxes[1].topLeft(), boxes[0].topRight() + QPoint(1, 0));
  QCOMPARE(boxes[2].topLeft(), boxes[0].bottomLeft() + QPoint(0, 1));
  QCOMPARE(boxes[3].topLeft(), boxes[0].bottomRight() + QPoint(1, 1));
  // Centred across the window.
  const QRect image = boxes[0] | boxes[3];
  QVERIFY2(std::abs(image.center().x() - shot.width() / 2) <= 1,
           qPrintable(QString::number(image.center().x())));
}

void TestStartWindow::withoutAnImageItNamesTheCheckpoint() {
  StartWindow window(m_dir.filePath("never-opened.llckpt"));
  QVERIFY(!window.hasStartImage());
  QCOMPARE(window.size(), QSize(1200, 760));  // the main window's first size
  window.show();
  QVERIFY(QTest::qWaitForWindowExposed(&window));
  const QImage shot = window.grab().toImage().convertToFormat(QImage::Format_RGB32);
  for (int i = 0; i < 4; ++i) QVERIFY(boxOf(shot, kColours[i]).isEmpty());
  // The status line is drawn in the window's text colour.
  QVERIFY(!boxOf(shot, window.palette().color(QPalette::WindowText).rgb()).isEmpty());
}

QTEST_MAIN(TestStartWindow)
#include "test_start_window.moc"
