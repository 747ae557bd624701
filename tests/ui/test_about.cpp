// Help > About names the libraries LatentLab runs on: Qt as running, LibTorch and its CUDA support,
// OpenCV, QCustomPlot, the BLAS this process loaded and the device. The BLAS is checked against
// /proc/self/maps, which says which libblas.so.3 the dynamic linker mapped.
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "tests/ui/window_test_support.h"

using namespace latentlab::test;

class TestAbout : public QObject {
  Q_OBJECT

 private slots:
  void namesEveryLibraryAndTheDevice();
};

namespace {

// The libblas.so.3 mapped into this process (symbolic links resolved by the kernel).
QString mappedBlas() {
  QFile maps(QStringLiteral("/proc/self/maps"));
  if (!maps.open(QIODevice::ReadOnly)) return {};
  for (const QByteArray& line : maps.readAll().split('\n')) {
    const QString path = QString::fromLocal8Bit(line.mid(line.indexOf('/')));
    if (line.contains('/') && path.section('/', -1).startsWith(QStringLiteral("libblas.so")))
      return path;
  }
  return {};
}

}  // namespace

void TestAbout::namesEveryLibraryAndTheDevice() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  isolateSettings(dir.path(), "test_about");
  QStringList messages;
  const auto window = newTestWindow(&messages);
  QAction* about = nullptr;
  for (QAction* menu : window->menuBar()->actions())
    for (QAction* action : menu->menu()->actions())
      if (action->text() == QStringLiteral("&About LatentLab")) about = action;
  QVERIFY(about);

  // The box is modal: read it from inside its own event loop, then close it.
  QString text;
  QTimer poll;
  connect(&poll, &QTimer::timeout, [&text] {
    if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
      text = box->text();
      box->accept();
    }
  });
  poll.start(20);
  about->trigger();
  poll.stop();

  const QStringList lines = text.split(QStringLiteral("<br>"));
  const auto has = [&lines](const QString& pattern) {
    const QRegularExpression expression(pattern);
    return std::any_of(lines.begin(), lines.end(), [&expression](const QString& line) {
      return expression.match(line).hasMatch();
    });
  };
  QVERIFY2(has(QStringLiteral("(^|<p>)Qt %1$").arg(QRegularExpression::escape(qVersion()))),
           qPrintable(text));
  QVERIFY2(
      has(QStringLiteral("^LibTorch \\d+\\.\\d+\\.\\d+ \\((CPU only|CUDA \\d+\\.\\d+, .*)\\)$")),
      qPrintable(text));
  QVERIFY2(has(QStringLiteral("^OpenCV \\d+\\.\\d+\\.\\d+$")), qPrintable(text));
  QVERIFY2(has(QStringLiteral("^QCustomPlot \\d+\\.\\d+\\.\\d+$")), qPrintable(text));
  const QString blas = mappedBlas();
  QVERIFY2(!blas.isEmpty(), "no libblas.so mapped: LibTorch links one");
  QVERIFY2(has(QStringLiteral("^BLAS: .*%1").arg(QRegularExpression::escape(blas))),
           qPrintable(blas + " not in: " + text));
  QVERIFY2(has(QStringLiteral("^Device: cpu \\(\\d+ threads?\\)(</p>)?$")), qPrintable(text));
}

QTEST_MAIN(TestAbout)
#include "test_about.moc"
