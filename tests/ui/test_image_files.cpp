// File > Open Image (an image encoded into the latent, the original beside the reconstruction)
// and File > Export Image (crisp PNG at 1x-8x, atomic), with bad files and unwritable paths.
#include <QDir>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "core/image/image_io.h"
#include "tests/ui/ui_test_support.h"
#include "tests/ui/window_test_support.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/window/image_file_actions.h"
#include "ui/window/main_window.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

class TestImageFiles : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void openImageEncodesItAndShowsTheOriginalBeside();
  void openImageRefusesANonImage();
  void exportImageWritesCrispEnlargedPixels();
  void exportImageToAnUnwritablePathGivesAMessageAndNoFile();

 private:
  bool waitForImage() {
    return QTest::qWaitFor(
        [this] { return m_window->renderSettled() && !m_window->imageFiles()->isBusy(); }, 20000);
  }

  QTemporaryDir m_dir;
  QString m_path;
  QString m_picture;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestImageFiles::initTestCase() {
  QVERIFY(m_dir.isValid());
  isolateSettings(m_dir.path(), "test_image_files");
  m_path = m_dir.filePath("tiny.llckpt");
  saveTinyVae(m_path, {3, 16, 16}, 5);
  // A 32x24 picture: read_image centre-crops and shrinks it to 16x16.
  QImage picture(32, 24, QImage::Format_RGB888);
  for (int y = 0; y < 24; ++y)
    for (int x = 0; x < 32; ++x)
      picture.setPixelColor(x, y, QColor(x * 8, 255 - y * 10, (x + y) * 4));
  m_picture = m_dir.filePath("picture.png");
  QVERIFY(picture.save(m_picture));
}

void TestImageFiles::init() {
  m_messages.clear();
  m_window = newTestWindow(&m_messages);
  QVERIFY(openAndWait(*m_window, m_path));
}

void TestImageFiles::cleanup() { m_window.reset(); }

void TestImageFiles::openImageEncodesItAndShowsTheOriginalBeside() {
  QVERIFY(m_window->imageView()->original().isNull());
  m_window->imageFiles()->openImage(m_picture);
  QVERIFY(waitForImage());
  QVERIFY(m_messages.isEmpty());

  // The latent is the posterior mean of the picture in the model's shape.
  LoadedModel loaded = load_model(m_path.toStdString(), "cpu");
  const auto x = read_image(m_picture.toStdString(), loaded.model->image_shape(),
                            loaded.model->output_range());
  const auto mean = loaded.model->encode(x.unsqueeze(0)).mean[0];
  const std::vector<float> z = m_window->currentLatent();
  QCOMPARE(int(z.size()), 5);
  for (int i = 0; i < 5; ++i) QVERIFY(std::abs(z[size_t(i)] - mean[i].item<float>()) < 1e-5f);
  QCOMPARE(m_window->undoStack()->count(), 1);

  // The reconstruction is shown, the original (as the model saw it) beside it.
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_path, z)));
  QVERIFY(samePixels(m_window->imageView()->original(),
                     referencePixels(x, loaded.model->output_range())));
  const QImage screen = m_window->imageView()->grab().toImage();
  QVERIFY(!screen.isNull());

  // A new model drops the original.
  QVERIFY(openAndWait(*m_window, m_path));
  QVERIFY(m_window->imageView()->original().isNull());
}

void TestImageFiles::openImageRefusesANonImage() {
  const QString text = m_dir.filePath("readme.png");  // an image name, text inside
  QFile file(text);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write("hello");
  file.close();
  m_window->latentPanel()->setValues({0.5f, 0.0f, 0.0f, 0.0f, 0.0f});
  m_window->imageFiles()->openImage(text);
  QVERIFY(waitForImage());
  QCOMPARE(m_messages.size(), 1);
  QVERIFY2(m_messages.first().contains("readme.png"), qPrintable(m_messages.first()));
  QCOMPARE(m_window->currentLatent(), (std::vector<float>{0.5f, 0.0f, 0.0f, 0.0f, 0.0f}));
  QVERIFY(m_window->imageView()->original().isNull());
  m_window->imageFiles()->openImage(m_dir.filePath("missing.png"));
  QVERIFY(waitForImage());
  QCOMPARE(m_messages.size(), 2);
}

void TestImageFiles::exportImageWritesCrispEnlargedPixels() {
  m_window->latentPanel()->setValues({1.0f, -1.5f, 0.5f, 2.0f, -0.25f});
  QVERIFY(waitForImage());
  const QImage reference = referenceImage(m_path, m_window->currentLatent());
  for (int scale : {1, 3, 8}) {
    const QString path = m_dir.filePath(QString("export-%1.png").arg(scale));
    QVERIFY(m_window->imageFiles()->exportImage(path, scale));
    const QImage read(path);
    QCOMPARE(read.size(), QSize(16 * scale, 16 * scale));
    for (int y = 0; y < read.height(); ++y)
      for (int x = 0; x < read.width(); ++x)
        QCOMPARE(read.pixel(x, y), reference.pixel(x / scale, y / scale));
  }
  QVERIFY(m_messages.isEmpty());
  QVERIFY(!m_window->imageFiles()->exportImage(m_dir.filePath("big.png"), 9));
  QCOMPARE(m_messages.size(), 1);
  QVERIFY(!QFile::exists(m_dir.filePath("big.png")));
}

void TestImageFiles::exportImageToAnUnwritablePathGivesAMessageAndNoFile() {
  const QString missing = m_dir.filePath("no-such-folder/image.png");
  QVERIFY(!m_window->imageFiles()->exportImage(missing, 2));
  QCOMPARE(m_messages.size(), 1);
  QVERIFY2(m_messages.first().contains("no-such-folder"), qPrintable(m_messages.first()));
  QVERIFY(!QFile::exists(missing));
  // Over a folder: refused, the folder is untouched and no temporary file is left beside it.
  const QString folder = m_dir.filePath("a-folder");
  QVERIFY(QDir().mkpath(folder));
  const QStringList before = QDir(m_dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
  QVERIFY(!m_window->imageFiles()->exportImage(folder, 2));
  QCOMPARE(m_messages.size(), 2);
  QVERIFY(QFileInfo(folder).isDir());
  QCOMPARE(QDir(m_dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), before);
}

QTEST_MAIN(TestImageFiles)
#include "test_image_files.moc"
