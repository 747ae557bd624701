// Sessions through the real window: save and open round-trip the latent bit for bit with the
// attribute amounts, interpolation endpoints and view; a session opens its own model; broken
// sessions give a message and change nothing; autosave writes after an edit, is removed by a
// clean exit, and is offered back after a crash.
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>
#include <cstring>

#include "core/io/atomic_file.h"
#include "core/io/session.h"
#include "tests/ui/ui_test_support.h"
#include "tests/ui/window_test_support.h"
#include "ui/attributes/attribute_panel.h"
#include "ui/interpolation/interpolation_dock.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/window/main_window.h"
#include "ui/window/session_keeper.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

namespace {

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

class TestSessions : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void saveAndOpenRoundTripEverything();
  void aSessionOpensItsOwnModel();
  void brokenSessionsGiveAMessageAndChangeNothing();
  void autosaveFollowsEditsAndACleanExitRemovesIt();
  void anAutosaveLeftByACrashIsOfferedBack();
  void aSecondWindowDoesNotTakeOverTheAutosave();

 private:
  std::unique_ptr<MainWindow> newWindow();
  bool open(MainWindow* window, const QString& path);
  bool settle(MainWindow* window) {
    return QTest::qWaitFor(
        [window] {
          return window->renderSettled() && !window->interpolationDock()->panel()->isBusy();
        },
        20000);
  }
  InterpolationPanel* panel() const { return m_window->interpolationDock()->panel(); }

  QTemporaryDir m_dir;
  QString m_path;   // 5-D, with attributes
  QString m_other;  // 3-D, grey
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
  QStringList m_questions;
};

void TestSessions::initTestCase() {
  QVERIFY(m_dir.isValid());
  isolateSettings(m_dir.path(), "test_sessions");
  m_path = m_dir.filePath("tiny.llckpt");
  saveTinyVae(
      m_path, {3, 16, 16}, 5,
      {{"Smiling", {1.0f, -0.5f, 0.25f, 0.0f, 0.75f}}, {"Beard", std::vector<float>(5, -0.3f)}});
  m_other = m_dir.filePath("other.llckpt");
  saveTinyVae(m_other, {1, 12, 12}, 3, {}, /*seed=*/4);
}

std::unique_ptr<MainWindow> TestSessions::newWindow() {
  auto window = newTestWindow(&m_messages);
  window->sessions()->setQuestionHandler([this](const QString&, const QString& text) {
    m_questions << text;
    return true;
  });
  return window;
}

bool TestSessions::open(MainWindow* window, const QString& path) {
  return openAndWait(*window, path) && settle(window);
}

void TestSessions::init() {
  m_messages.clear();
  m_questions.clear();
  m_window = newWindow();
  QVERIFY(open(m_window.get(), m_path));
}

void TestSessions::cleanup() { m_window.reset(); }

void TestSessions::saveAndOpenRoundTripEverything() {
  // Values with long decimals, beyond the sliders' 0.01 steps and range: kept exactly.
  const std::vector<float> latent{0.1f, -1.0f / 3.0f, 2.718281828f, -4.5f, 1e-7f};
  m_window->latentPanel()->setValues(latent);
  m_window->attributePanel()->setAmounts({0.0f, 1.37f});  // Beard, Smiling
  panel()->setEndpoint(InterpolationPanel::A, {1, 2, 3, 4, 5});
  panel()->setEndpointFromSeed(InterpolationPanel::B, 11);
  panel()->setSteps(6);
  panel()->setSpherical(true);
  m_window->imageView()->setSmoothScaling(true);
  QVERIFY(settle(m_window.get()));
  const auto endpointB = *panel()->endpoint(InterpolationPanel::B);
  const QImage shown = m_window->imageView()->image();
  const QString file = m_dir.filePath("round.json");
  QVERIFY(m_window->sessions()->saveSession(file));

  // Another window opens it.
  m_window = newWindow();
  QVERIFY(open(m_window.get(), m_path));
  QVERIFY(m_window->sessions()->openSession(file));
  QVERIFY(settle(m_window.get()));
  QVERIFY(m_messages.isEmpty());
  QVERIFY(sameBits(m_window->latentPanel()->values(), latent));
  QCOMPARE(m_window->attributePanel()->amounts(), (std::vector<float>{0.0f, 1.37f}));
  QVERIFY(sameBits(*panel()->endpoint(InterpolationPanel::A), {1, 2, 3, 4, 5}));
  QVERIFY(sameBits(*panel()->endpoint(InterpolationPanel::B), endpointB));
  QCOMPARE(panel()->steps(), 6);
  QVERIFY(panel()->spherical());
  QCOMPARE(int(panel()->stripLatents().size()), 6);
  QVERIFY(m_window->imageView()->smoothScaling());
  QVERIFY(samePixels(m_window->imageView()->image(), shown));
  QVERIFY(samePixels(shown, referenceImage(m_path, m_window->currentLatent())));
  QCOMPARE(m_window->undoStack()->count(), 1);  // opening is one undoable edit
  m_window->undoStack()->undo();
  QVERIFY(settle(m_window.get()));
  QCOMPARE(m_window->currentLatent(), openingLatent(5));
}

void TestSessions::aSessionOpensItsOwnModel() {
  Session session;
  session.model_path = m_other.toStdString();
  session.latent = {0.5f, -2.0f, 1.0f};
  const QString file = m_dir.filePath("other.json");
  write_session(file.toStdString(), session);
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  QVERIFY(m_window->sessions()->openSession(file));
  QVERIFY(changed.wait(20000));
  QVERIFY(settle(m_window.get()));
  QCOMPARE(m_window->model().path, m_other);
  QCOMPARE(m_window->currentLatent(), session.latent);
  QVERIFY(!panel()->endpoint(InterpolationPanel::A));
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_other, session.latent)));
}

void TestSessions::brokenSessionsGiveAMessageAndChangeNothing() {
  const std::vector<float> before{0.25f, 0.0f, -1.0f, 0.0f, 0.5f};
  m_window->latentPanel()->setValues(before);
  QVERIFY(settle(m_window.get()));
  const QString model = QFileInfo(m_path).absoluteFilePath();
  const QString good =
      QString(R"({"latentlab_session": 1, "model": "%1", "latent": [1, 2, 3, 4, 5]})").arg(model);
  struct Broken {
    QString name, text, says;
  };
  const std::vector<Broken> broken{
      {"malformed.json", good.left(good.size() - 9), "not valid JSON"},
      {"short.json",
       QString(R"({"latentlab_session": 1, "model": "%1", "latent": [1, 2, 3]})").arg(model),
       "latent has 3 values, the model's latent has 5"},
      {"nan.json",
       QString(R"({"latentlab_session": 1, "model": "%1", "latent": [1, NaN, 3, 4, 5]})")
           .arg(model),
       "not valid JSON"},
      {"huge.json",
       QString(R"({"latentlab_session": 1, "model": "%1", "latent": [1, 1e300, 3, 4, 5]})")
           .arg(model),
       "latent value 1 is not a finite float"},
      {"nomodel.json",
       QString(R"({"latentlab_session": 1, "model": "%1", "latent": [1, 2, 3, 4, 5]})")
           .arg(m_dir.filePath("gone.llckpt")),
       "gone.llckpt does not exist"},
      {"endpoint.json",
       QString(R"({"latentlab_session": 1, "model": "%1", "latent": [1, 2, 3, 4, 5],
                                   "interpolation": {"a": [1, 2]}})")
           .arg(model),
       "endpoint a has 2 values"},
      {"binary.json", QString::fromLatin1("\x89PNG\r\n\x1a\n"), "not valid JSON"},
  };
  for (const Broken& b : broken) {
    const QString file = m_dir.filePath(b.name);
    write_file_atomically(file.toStdString(), b.text.toStdString());
    m_messages.clear();
    m_window->sessions()->openSession(file);
    QVERIFY(settle(m_window.get()));
    QCOMPARE(m_messages.size(), 1);
    QVERIFY2(m_messages.first().contains(b.name) && m_messages.first().contains(b.says),
             qPrintable(m_messages.first()));
    QCOMPARE(m_window->model().path, m_path);
    QCOMPARE(m_window->currentLatent(), before);
  }
  // Still usable: the next edit renders.
  m_window->latentPanel()->setValues({0.25f, 1.0f, -1.0f, 0.0f, 0.5f});
  QVERIFY(settle(m_window.get()));
  QVERIFY(samePixels(m_window->imageView()->image(),
                     referenceImage(m_path, {0.25f, 1.0f, -1.0f, 0.0f, 0.5f})));
}

void TestSessions::autosaveFollowsEditsAndACleanExitRemovesIt() {
  const QString folder = m_dir.filePath("autosave-clean");
  QVERIFY(!m_window->sessions()->startAutosave(folder));  // nothing to restore
  QVERIFY(m_window->sessions()->isAutosaving());
  QVERIFY(m_questions.isEmpty());
  const QString file = m_window->sessions()->autosavePath();
  QCOMPARE(QFileInfo(file).absolutePath(), QFileInfo(folder).absoluteFilePath());

  const std::vector<float> edited{1.5f, 0.0f, 0.0f, -0.75f, 0.0f};
  m_window->latentPanel()->setValues(edited);
  QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(file), 10000);
  QVERIFY(sameBits(read_session(file.toStdString()).latent, edited));
  // A later edit is saved too, a few seconds later at most.
  m_window->latentPanel()->setValues({0.0f, 0.0f, 2.0f, 0.0f, 0.0f});
  QTRY_VERIFY_WITH_TIMEOUT(read_session(file.toStdString()).latent[2] == 2.0f, 10000);

  m_window.reset();  // a clean exit
  QVERIFY(!QFile::exists(file));
}

void TestSessions::anAutosaveLeftByACrashIsOfferedBack() {
  const QString crashed = m_dir.filePath("autosave-crashed");
  QVERIFY(QDir().mkpath(crashed));
  // What a killed LatentLab leaves: the autosave (its lock died with its process).
  Session left;
  left.model_path = m_path.toStdString();
  left.latent = {0.3f, -0.6f, 0.9f, -1.2f, 1.5f};
  left.attributes = {{"Smiling", 0.5f}};
  left.endpoint_a = left.latent;
  write_session(QDir(crashed).filePath("autosave.json").toStdString(), left);

  auto restored = newWindow();
  QVERIFY(restored->sessions()->startAutosave(crashed));
  QCOMPARE(m_questions.size(), 1);
  QVERIFY(m_questions.first().contains("did not exit cleanly"));
  QTRY_VERIFY_WITH_TIMEOUT(restored->model().isValid(), 20000);
  QVERIFY(settle(restored.get()));
  QVERIFY(sameBits(restored->latentPanel()->values(), left.latent));
  QCOMPARE(restored->attributePanel()->amounts(), (std::vector<float>{0.0f, 0.5f}));
  QVERIFY(sameBits(*restored->interpolationDock()->panel()->endpoint(InterpolationPanel::A),
                   left.latent));
  restored.reset();

  // Declined: nothing restored, and it is not offered again.
  write_session(QDir(crashed).filePath("autosave.json").toStdString(), left);
  auto declined = newWindow();
  declined->sessions()->setQuestionHandler([](const QString&, const QString&) { return false; });
  QVERIFY(!declined->sessions()->startAutosave(crashed));
  QVERIFY(!declined->model().isValid());
  QVERIFY(!QFile::exists(QDir(crashed).filePath("autosave.json")));
}

void TestSessions::aSecondWindowDoesNotTakeOverTheAutosave() {
  const QString folder = m_dir.filePath("autosave-shared");
  QVERIFY(!m_window->sessions()->startAutosave(folder));
  m_window->latentPanel()->setValues({1.0f, 1.0f, 1.0f, 1.0f, 1.0f});
  QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(m_window->sessions()->autosavePath()), 10000);
  // The first window is alive: its autosave is no crash, and stays its own.
  auto second = newWindow();
  QVERIFY(!second->sessions()->startAutosave(folder));
  QVERIFY(!second->sessions()->isAutosaving());
  QVERIFY(m_questions.isEmpty());
  second.reset();
  QVERIFY(QFile::exists(m_window->sessions()->autosavePath()));
}

QTEST_MAIN(TestSessions)
#include "test_sessions.moc"
