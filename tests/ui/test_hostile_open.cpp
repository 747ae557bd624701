// Every model file of the hostile corpus (tests/hostile/make_corpus.py, the CTest fixture
// hostile_corpus) opened through the main window, the way File > Open does: each refused file
// gives exactly one message naming it, the open model stays, and after the whole corpus the
// window still renders a slider move exactly as core decodes it.
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "core/io/atomic_file.h"
#include "tests/ui/ui_test_support.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/value_slider.h"
#include "ui/window/main_window.h"

using namespace latentlab::ui;
using namespace latentlab::test;

class TestHostileOpen : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void everyHostileModelFileIsRefusedWithOneMessage();

 private:
  bool openAndWait(const QString& path);

  QTemporaryDir m_dir;
  QString m_path;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestHostileOpen::initTestCase() {
  QVERIFY(m_dir.isValid());
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath("settings"));
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName("test_hostile_open");
  m_path = m_dir.filePath("tiny.llckpt");
  saveTinyVae(m_path, {1, 16, 16}, 3);
  m_window = std::make_unique<MainWindow>("cpu");
  m_window->setMessageHandler([this](const QString&, const QString& text) { m_messages << text; });
  m_window->show();
}

bool TestHostileOpen::openAndWait(const QString& path) {
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  m_window->openCheckpoint(path);
  return changed.wait(20000) &&
         QTest::qWaitFor([this] { return m_window->renderSettled(); }, 20000);
}

void TestHostileOpen::everyHostileModelFileIsRefusedWithOneMessage() {
  const char* dir = std::getenv("LATENTLAB_HOSTILE_CORPUS");
  QVERIFY2(dir, "LATENTLAB_HOSTILE_CORPUS is not set: run through ctest (fixture hostile_corpus)");
  const auto manifest =
      nlohmann::json::parse(latentlab::read_file(std::string(dir) + "/manifest.json"));
  QVERIFY(openAndWait(m_path));
  int refused = 0;
  for (const auto& entry : manifest.at("entries")) {
    if (entry.at("category") != "model") continue;
    const QString path = QString::fromStdString(entry.at("path").get<std::string>());
    const std::string outcome = entry.at("outcome");
    const QByteArray id = QByteArray::fromStdString(entry.at("id").get<std::string>());
    m_messages.clear();
    QSignalSpy failed(m_window.get(), &MainWindow::loadFailed);
    QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
    m_window->openCheckpoint(path);
    QVERIFY2(QTest::qWaitFor([&] { return !failed.isEmpty() || !changed.isEmpty(); }, 20000), id);
    if (!changed.isEmpty()) {  // a valid file, or an "any" entry that still loads
      QVERIFY2(outcome != "error", id + " was accepted");
      QVERIFY(openAndWait(m_path));
      continue;
    }
    QVERIFY2(outcome != "ok", id + " was refused");
    QCOMPARE(m_messages.size(), 1);
    QVERIFY2(m_messages.first().contains(path), qPrintable(m_messages.first()));
    QCOMPARE(m_window->model().path, m_path);
    ++refused;
  }
  QVERIFY(refused > 100);
  // Still usable: the model that stayed open renders the next slider move as core decodes it.
  QSlider* slider = m_window->latentPanel()->row(1)->slider();
  slider->setSliderDown(true);
  slider->setValue(-150);
  slider->setSliderDown(false);
  QVERIFY(QTest::qWaitFor([this] { return m_window->renderSettled(); }, 20000));
  QVERIFY(samePixels(m_window->imageView()->image(),
                     referenceImage(m_path, openingLatentWith(3, {{1, -1.5f}}))));
  qInfo("%d hostile model files refused, one message each", refused);
}

QTEST_MAIN(TestHostileOpen)
#include "test_hostile_open.moc"
