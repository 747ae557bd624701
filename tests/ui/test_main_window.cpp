// The main window driven through its real widgets: open a checkpoint, move latent and attribute
// sliders, undo, open a bad file and a second model. Pixels are checked against core's decode.
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "tests/ui/ui_test_support.h"
#include "ui/attributes/attribute_panel.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/value_slider.h"
#include "ui/window/main_window.h"

using namespace latentlab::ui;
using namespace latentlab::test;

class TestMainWindow : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void showsAMessageUntilAModelIsOpen();
  void opensACheckpointAndShowsItsDecode();
  void latentSliderDragChangesTheImage();
  void undoRestoresTheLatentAndTheImage();
  void attributeSliderAddsItsVector();
  void corruptFileShowsAMessageAndKeepsTheModel();
  void secondModelReplacesTheFirst();
  void shortcutsRandomiseWithinTheTruncationAndUndo();
  void droppedCheckpointOpensAndBecomesRecent();
  void dockLayoutIsRestored();

 private:
  // Opens m_path and waits until its first image is on screen.
  bool openAndWait(const QString& path);
  // Moves a slider the way a mouse drag does: press, a few positions, release.
  static void drag(QSlider* slider, int to);
  bool waitForImage() {
    return QTest::qWaitFor([this] { return m_window->renderSettled(); }, 20000);
  }

  QTemporaryDir m_dir;
  QString m_path;
  std::vector<float> m_smile;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestMainWindow::initTestCase() {
  QVERIFY(m_dir.isValid());
  // Recent files and the dock layout go to a fresh folder, not the user's settings.
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath("settings"));
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName("test_main_window");
  m_path = m_dir.filePath("tiny.llckpt");
  m_smile = {1.0f, -0.5f, 0.25f, 0.0f, 0.75f};
  saveTinyVae(m_path, {3, 16, 16}, 5,
              {{"Smiling", m_smile}, {"Beard", std::vector<float>(5, -0.3f)}});
}

void TestMainWindow::init() {
  m_messages.clear();
  m_window = std::make_unique<MainWindow>("cpu");
  m_window->setMessageHandler([this](const QString&, const QString& text) { m_messages << text; });
  m_window->show();
}

void TestMainWindow::cleanup() { m_window.reset(); }

bool TestMainWindow::openAndWait(const QString& path) {
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  m_window->openCheckpoint(path);
  return changed.wait(20000) && waitForImage() && !m_window->imageView()->image().isNull();
}

void TestMainWindow::drag(QSlider* slider, int to) {
  slider->setSliderDown(true);
  const int from = slider->value();
  for (int step = 1; step <= 5; ++step) slider->setValue(from + (to - from) * step / 5);
  slider->setSliderDown(false);  // emits sliderReleased
}

void TestMainWindow::showsAMessageUntilAModelIsOpen() {
  QVERIFY(m_window->imageView()->image().isNull());
  QVERIFY(m_window->imageView()->message().contains("No model"));
  QCOMPARE(m_window->latentPanel()->dimensions(), 0);
}

void TestMainWindow::opensACheckpointAndShowsItsDecode() {
  QVERIFY(openAndWait(m_path));
  QCOMPARE(m_window->latentPanel()->dimensions(), 5);
  QCOMPARE(m_window->attributePanel()->attributes(), (QStringList{"Beard", "Smiling"}));
  QVERIFY(m_window->windowTitle().contains("tiny-5"));
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_path, openingLatent(5))));
}

void TestMainWindow::latentSliderDragChangesTheImage() {
  QVERIFY(openAndWait(m_path));
  const QImage before = m_window->imageView()->image();
  drag(m_window->latentPanel()->row(1)->slider(), 250);
  QVERIFY(waitForImage());
  const std::vector<float> expected = openingLatentWith(5, {{1, 2.5f}});
  QCOMPARE(m_window->currentLatent(), expected);
  QCOMPARE(m_window->latentPanel()->row(1)->spinBox()->value(), 2.5);
  const QImage after = m_window->imageView()->image();
  QVERIFY(!samePixels(after, before));
  QVERIFY(samePixels(after, referenceImage(m_path, expected)));
  QCOMPARE(m_window->undoStack()->count(), 1);  // one drag, one undo step
}

void TestMainWindow::undoRestoresTheLatentAndTheImage() {
  QVERIFY(openAndWait(m_path));
  const QImage original = m_window->imageView()->image();
  const int start = m_window->latentPanel()->row(0)->slider()->value();
  drag(m_window->latentPanel()->row(0)->slider(), -200);
  m_window->latentPanel()->row(3)->spinBox()->setValue(1.5);
  QVERIFY(waitForImage());
  QCOMPARE(m_window->undoStack()->count(), 2);
  m_window->undoStack()->undo();
  m_window->undoStack()->undo();
  QVERIFY(waitForImage());
  QCOMPARE(m_window->currentLatent(), openingLatent(5));
  QCOMPARE(m_window->latentPanel()->row(0)->slider()->value(), start);
  QVERIFY(samePixels(m_window->imageView()->image(), original));
  m_window->undoStack()->redo();
  QVERIFY(waitForImage());
  const std::vector<float> redone = openingLatentWith(5, {{0, -2.0f}});
  QCOMPARE(m_window->currentLatent(), redone);
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_path, redone)));
}

void TestMainWindow::attributeSliderAddsItsVector() {
  QVERIFY(openAndWait(m_path));
  m_window->latentPanel()->row(2)->spinBox()->setValue(0.5);
  QVERIFY(waitForImage());
  const QImage before = m_window->imageView()->image();
  drag(m_window->attributePanel()->row(1)->slider(), 200);  // Smiling, +2
  QVERIFY(waitForImage());
  std::vector<float> expected = openingLatentWith(5, {{2, 0.5f}});
  for (size_t i = 0; i < expected.size(); ++i) expected[i] += 2.0f * m_smile[i];
  QCOMPARE(m_window->currentLatent(), expected);
  QVERIFY(!samePixels(m_window->imageView()->image(), before));
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_path, expected)));
}

void TestMainWindow::corruptFileShowsAMessageAndKeepsTheModel() {
  QVERIFY(openAndWait(m_path));
  const QString corrupt = m_dir.filePath("broken.llckpt");
  QFile file(corrupt);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write(QByteArray(300, 'x'));
  file.close();
  QSignalSpy failed(m_window.get(), &MainWindow::loadFailed);
  m_window->openCheckpoint(corrupt);
  QVERIFY(failed.wait(20000));
  QCOMPARE(m_messages.size(), 1);
  QVERIFY2(m_messages.first().contains("broken.llckpt"), qPrintable(m_messages.first()));
  QCOMPARE(m_window->model().path, m_path);
  // Still usable: the old model renders the next slider move.
  drag(m_window->latentPanel()->row(4)->slider(), -120);
  QVERIFY(waitForImage());
  QVERIFY(samePixels(m_window->imageView()->image(),
                     referenceImage(m_path, openingLatentWith(5, {{4, -1.2f}}))));
}

void TestMainWindow::secondModelReplacesTheFirst() {
  QVERIFY(openAndWait(m_path));
  drag(m_window->latentPanel()->row(0)->slider(), 100);
  const QString grey = m_dir.filePath("grey.llckpt");
  saveTinyVae(grey, {1, 12, 12}, 3, {}, /*seed=*/7);
  QVERIFY(openAndWait(grey));
  QCOMPARE(m_window->latentPanel()->dimensions(), 3);
  QVERIFY(m_window->attributePanel()->attributes().isEmpty());
  QCOMPARE(m_window->undoStack()->count(), 0);
  QCOMPARE(m_window->imageView()->image().format(), QImage::Format_Grayscale8);
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(grey, openingLatent(3))));
  drag(m_window->latentPanel()->row(2)->slider(), 300);
  QVERIFY(waitForImage());
  QVERIFY(samePixels(m_window->imageView()->image(),
                     referenceImage(grey, openingLatentWith(3, {{2, 3.0f}}))));
}

void TestMainWindow::shortcutsRandomiseWithinTheTruncationAndUndo() {
  QVERIFY(openAndWait(m_path));
  const QImage original = m_window->imageView()->image();
  m_window->latentPanel()->setTruncation(0.5);
  m_window->activateWindow();
  QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
  QTest::keyClick(m_window.get(), Qt::Key_R, Qt::ControlModifier);
  QVERIFY(waitForImage());
  const std::vector<float> z = m_window->currentLatent();
  QVERIFY(z != openingLatent(5));
  for (float v : z) QVERIFY2(std::abs(v) <= 0.5f, qPrintable(QString::number(v)));
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_path, z)));
  QCOMPARE(m_window->undoStack()->count(), 1);
  QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
  QVERIFY(waitForImage());
  QCOMPARE(m_window->currentLatent(), openingLatent(5));
  QVERIFY(samePixels(m_window->imageView()->image(), original));
}

void TestMainWindow::droppedCheckpointOpensAndBecomesRecent() {
  QMimeData text;
  text.setText("not a file");
  QDragEnterEvent refused(QPoint(20, 20), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
  refused.ignore();
  QCoreApplication::sendEvent(m_window.get(), &refused);
  QVERIFY(!refused.isAccepted());

  QMimeData file;
  file.setUrls({QUrl::fromLocalFile(m_path)});
  QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &file, Qt::LeftButton, Qt::NoModifier);
  enter.ignore();
  QCoreApplication::sendEvent(m_window.get(), &enter);
  QVERIFY(enter.isAccepted());
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &file, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(m_window.get(), &drop);
  QVERIFY(changed.wait(20000));
  QCOMPARE(m_window->model().path, m_path);
  QCOMPARE(QSettings().value("recentFiles").toStringList().value(0),
           QFileInfo(m_path).absoluteFilePath());
}

void TestMainWindow::dockLayoutIsRestored() {
  auto attributesDock = [this] { return m_window->findChild<QDockWidget*>("AttributesDock"); };
  QVERIFY(attributesDock() && attributesDock()->isVisible());
  attributesDock()->hide();
  m_window->close();  // saves the layout
  init();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
  QVERIFY(!attributesDock()->isVisible());
  attributesDock()->show();
  m_window->close();
  init();
  QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
  QVERIFY(attributesDock()->isVisible());
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
