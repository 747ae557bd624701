// The real `latentlab` binary end to end, on a virtual X display (xvfb-run; CI has no screen):
// it opens the bundled fashion-vae, renders, grabs its window through the LATENTLAB_SCREENSHOT
// hook (ui/window/screenshot_hook.h) and quits. The PNG must be a real window: window-sized, many
// colours, and where the decoded image lies, core's decode of the starting latent (z = 0)
// enlarged with crisp pixels. A second start shows that image in the launcher's start window.
#include <QDir>
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <set>

#include "tests/ui/ui_test_support.h"

using namespace latentlab::test;

class TestGuiEndToEnd : public QObject {
  Q_OBJECT

 private slots:
  void screenshotOfTheBundledModel();
};

void TestGuiEndToEnd::screenshotOfTheBundledModel() {
  const QString xvfb = QStandardPaths::findExecutable("xvfb-run");
  if (xvfb.isEmpty())
    QFAIL("xvfb-run is missing: install the xvfb package (scripts/install-deps.sh lists it)");
  const QString model = QStringLiteral(LATENTLAB_MODELS_DIR "/fashion-vae.llckpt");
  QVERIFY2(QFileInfo(model).isFile(), qPrintable(model));
  QTemporaryDir home;
  QVERIFY(home.isValid());
  // Kept in the build folder so a person can look at it.
  const QString shotPath = QStringLiteral(LATENTLAB_BINARY_DIR "/e2e-fashion-vae.png");
  QFile::remove(shotPath);

  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove("QT_QPA_PLATFORM");  // the app must use xvfb's X display, not offscreen
  env.remove("DISPLAY");
  // A fresh home: no saved layout, recent files or autosave of the user's.
  for (const char* name :
       {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"})
    env.insert(name, home.path());
  env.insert("LATENTLAB_QUIT_AFTER_MS", "90000");
  // Runs the app until its screenshot is saved; its output.
  auto run = [&](const QString& screenshot) {
    env.insert("LATENTLAB_SCREENSHOT", screenshot);
    QProcess app;
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::MergedChannels);
    app.start(xvfb, {"-a", "-s", "-screen 0 1600x1000x24", QStringLiteral(LATENTLAB_GUI),
                     "--device", "cpu", model});
    const bool finished = app.waitForFinished(150000);
    const QString output = QString::fromLocal8Bit(app.readAll());
    return finished && app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0
               ? output
               : QStringLiteral("failed: ") + output;
  };
  const QString output = run(shotPath);
  QVERIFY2(!output.startsWith("failed: "), qPrintable(output));
  // The launcher's start window showed before the main window (app/gui/main.cpp).
  QVERIFY2(output.contains("start window shown"), qPrintable(output));

  QImage shot(shotPath);
  QVERIFY2(!shot.isNull(), qPrintable(shotPath));
  QVERIFY2(shot.width() >= 800 && shot.height() >= 500,
           qPrintable(QString("%1x%2").arg(shot.width()).arg(shot.height())));
  std::set<QRgb> colours;
  for (int y = 0; y < shot.height(); y += 3)
    for (int x = 0; x < shot.width(); x += 3) colours.insert(shot.pixel(x, y));
  QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));

  // Where the decoded 28x28 image lies, as the app saw it.
  const QStringList r = shot.text("latentlab.imageRect").split(',');
  QCOMPARE(r.size(), 4);
  const QRect rect(r[0].toInt(), r[1].toInt(), r[2].toInt(), r[3].toInt());
  QVERIFY2(rect.width() >= 28 && shot.rect().contains(rect),
           qPrintable(shot.text("latentlab.imageRect")));
  // The window starts at the data's mean: the mean of the GMM stored in fashion-vae (the sliders
  // hold two decimals), and shows exactly what core decodes for the latent it holds.
  std::vector<float> latent;
  for (const QString& v : shot.text("latentlab.latent").split(',')) latent.push_back(v.toFloat());
  QCOMPARE(latent.size(), size_t(16));
  const latentlab::ModelInfo info = latentlab::load_model(model.toStdString(), "cpu").info;
  QVERIFY(info.gmm.has_value());
  for (int i = 0; i < 16; ++i) {
    double mean = 0.0;
    for (int64_t k = 0; k < info.gmm->components; ++k)
      mean += info.gmm->weights[size_t(k)] * info.gmm->means[size_t(k * 16 + i)];
    QVERIFY2(std::abs(latent[size_t(i)] - mean) <= 0.0051, qPrintable(QString::number(i)));
  }
  const QImage expected = referenceImage(model, latent);
  QCOMPARE(expected.size(), QSize(28, 28));
  const int scale = rect.width() / 28;
  QCOMPARE(rect.size(), QSize(28 * scale, 28 * scale));
  int mismatches = 0, sum = 0, sumSquares = 0;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) {
      // The centre of each enlarged model pixel.
      const QRgb shown =
          shot.pixel(rect.x() + x * scale + scale / 2, rect.y() + y * scale + scale / 2);
      const int want = qGray(expected.pixel(x, y));
      if (std::abs(qRed(shown) - want) > 1 || qRed(shown) != qGreen(shown) ||
          qGreen(shown) != qBlue(shown))
        ++mismatches;
      sum += qRed(shown);
      sumSquares += qRed(shown) * qRed(shown);
    }
  QCOMPARE(mismatches, 0);
  const double mean = sum / 784.0;
  const double variance = sumSquares / 784.0 - mean * mean;
  QVERIFY2(variance > 100.0,
           qPrintable(QString("the decoded image is nearly blank: variance %1").arg(variance)));

  // On quitting it kept that image for its next start (ui/start/start_image_cache.h): one PNG in
  // the user's cache, the decoded pixels themselves. The next start shows it before LibTorch loads.
  const QDir cache(home.path() + "/LatentLab/latentlab/start-images");
  const QStringList kept = cache.entryList({"*.png"}, QDir::Files);
  QCOMPARE(kept.size(), 1);
  const QImage keptImage(cache.filePath(kept.first()));
  QCOMPARE(keptImage.size(), QSize(28, 28));
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x)
      QVERIFY(std::abs(qGray(keptImage.pixel(x, y)) - qGray(expected.pixel(x, y))) <= 1);
  const QString second = run(home.path() + "/second.png");
  QVERIFY2(second.contains("start window shown") && second.contains("with the last image"),
           qPrintable(second));
}

QTEST_MAIN(TestGuiEndToEnd)
#include "test_gui_e2e.moc"
