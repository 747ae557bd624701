// Every entry of the hostile corpus (tests/hostile/make_corpus.py, the CTest fixture
// hostile_corpus) sent to the real main window the way a user sends it: models, analysis stores
// (their models), latent files and images dropped on the window, latent files and images dropped
// on an interpolation endpoint, sessions opened as File > Open Session opens them, data set specs
// typed into the latent map and encoded, CelebA folders also given to Model > Analyse with a
// Data Set. A refused file gives exactly one message that names it
// and says what is wrong, and leaves the open model, the latent and the strip's endpoints as they
// were; an odd but valid file is taken; a damaged store gives one warning naming it. Afterwards
// the window still renders a slider move exactly as core decodes it.
#include <QComboBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "core/image/image_io.h"
#include "core/io/latent_io.h"
#include "core/io/session.h"
#include "tests/ui/hostile_window_support.h"
#include "tests/ui/ui_test_support.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/model_store.h"
#include "ui/latent/latent_panel.h"
#include "ui/latent_map/latent_map_panel.h"
#include "ui/latent_map/latent_scatter_view.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/value_slider.h"
#include "ui/window/analysis_docks.h"
#include "ui/window/image_file_actions.h"
#include "ui/window/session_keeper.h"

using namespace latentlab::ui;
using namespace latentlab::test;

namespace {

constexpr int kWaitMs = 30000;
const std::vector<float> kLatent = {0.5f, -0.25f, 1.0f};  // shown before every attempt

struct Message {
  QString title, text;
};

enum class Outcome { Accepted, Refused, Broken };  // Broken: a check failed (a warning says which)

// How the entries of one category fared.
struct Tally {
  int refused = 0, accepted = 0, warned = 0;
};

}  // namespace

class TestHostileWindow : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void modelsDroppedOnTheWindow();
  void analysisStoresBesideTheirModels();
  void latentFilesDroppedOnTheWindowAndAnEndpoint();
  void imagesDroppedOnTheWindowAndAnEndpoint();
  void sessionsOpenedFromTheFileMenu();
  void idxFilesEncodedInTheLatentMap();
  void celebaFoldersInTheMapAndTheAnalysis();
  void aSliderMoveStillRendersWhatCoreDecodes();

 private:
  std::vector<CorpusEntry> entries(const QString& category) const;
  bool openModel(const QString& path);
  bool prepare(const QString& modelPath);
  bool checkRefused(const CorpusEntry& e, const WindowState& before);
  Outcome encodeInMap(const CorpusEntry& e);
  Outcome analyseWith(const CorpusEntry& e);
  void report(const QString& category, const Tally& tally);
  InterpolationPanel* strip() const { return m_window->interpolationDock()->panel(); }
  bool settled() const { return m_window->renderSettled() && !strip()->isBusy(); }

  QTemporaryDir m_dir;
  QString m_base;     // the corpus's checkpoint: its sessions name it, its latents fit it
  QString m_mapBase;  // a copy: encoding binds the data set to the model beside it
  std::vector<CorpusEntry> m_corpus;
  std::unique_ptr<MainWindow> m_window;
  std::vector<Message> m_messages;
};

void TestHostileWindow::initTestCase() {
  QVERIFY(m_dir.isValid());
  const QString corpus = qEnvironmentVariable("LATENTLAB_HOSTILE_CORPUS");
  QVERIFY2(!corpus.isEmpty(), "LATENTLAB_HOSTILE_CORPUS is not set: run through ctest");
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath("settings"));
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName("test_hostile_window");
  qputenv("LATENTLAB_CACHE_DIR", m_dir.filePath("cache").toUtf8());
  m_corpus = readCorpus(corpus);
  m_base = corpus + "/base/base.llckpt";
  m_mapBase = m_dir.filePath("base.llckpt");
  QVERIFY(QFile::copy(m_base, m_mapBase));
  m_window = std::make_unique<MainWindow>("cpu");
  m_window->setMessageHandler([this](const QString& title, const QString& text) {
    m_messages.push_back({title, text});
  });
  m_window->show();
}

std::vector<CorpusEntry> TestHostileWindow::entries(const QString& category) const {
  std::vector<CorpusEntry> out;
  for (const CorpusEntry& e : m_corpus)
    if (e.category == category) out.push_back(e);
  return out;
}

bool TestHostileWindow::openModel(const QString& path) {
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  return dropFile(m_window.get(), path) && changed.wait(kWaitMs) &&
         QTest::qWaitFor([this] { return settled(); }, kWaitMs);
}

// The state every attempt starts from: modelPath open, kLatent shown, endpoints A and B set.
bool TestHostileWindow::prepare(const QString& modelPath) {
  if (m_window->model().path != modelPath && !openModel(modelPath)) return false;
  m_window->loadLatent(kLatent, "prepare", QImage());
  strip()->setEndpoint(0, {1.0f, 0.0f, -1.0f}, QImage(), "test");
  strip()->setEndpoint(1, {-0.5f, 2.0f, 0.25f}, QImage(), "test");
  const bool ok = QTest::qWaitFor([this] { return settled(); }, kWaitMs);
  m_messages.clear();
  return ok && WindowState::of(*m_window).latent == kLatent;
}

// Exactly one message, naming the file and saying what is wrong; nothing changed.
bool TestHostileWindow::checkRefused(const CorpusEntry& e, const WindowState& before) {
  if (m_messages.size() != 1) {
    qWarning("%s: %zu messages", e.id.constData(), m_messages.size());
    for (const Message& m : m_messages) qWarning("  %s", qPrintable(m.text));
    return false;
  }
  const QString& text = m_messages.front().text;
  bool said = false;
  for (const QString& word : e.expect) said = said || text.contains(word);
  if (!text.contains(e.names) || !said) {
    qWarning("%s: the message does not name %s or say one of [%s]: %s", e.id.constData(),
             qPrintable(e.names), qPrintable(e.expect.join(", ")), qPrintable(text));
    return false;
  }
  if (!(WindowState::of(*m_window) == before)) {
    qWarning("%s: the window's state changed", e.id.constData());
    return false;
  }
  return true;
}

void TestHostileWindow::report(const QString& category, const Tally& tally) {
  qInfo("%s: %d refused with one message, %d accepted, %d opened with one warning",
        qPrintable(category), tally.refused, tally.accepted, tally.warned);
}

void TestHostileWindow::modelsDroppedOnTheWindow() {
  Tally tally;
  for (const CorpusEntry& e : entries("model")) {
    QVERIFY2(prepare(m_base), e.id);
    const WindowState before = WindowState::of(*m_window);
    QSignalSpy failed(m_window.get(), &MainWindow::loadFailed);
    QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
    QVERIFY2(dropFile(m_window.get(), e.path), e.id);
    QVERIFY2(QTest::qWaitFor([&] { return !failed.isEmpty() || !changed.isEmpty(); }, kWaitMs),
             e.id);
    if (!changed.isEmpty()) {
      QVERIFY2(e.outcome == "ok", e.id + " was accepted");
      QVERIFY2(m_messages.empty(), e.id);
      ++tally.accepted;
      continue;
    }
    QVERIFY2(e.outcome == "error", e.id + " was refused");
    QVERIFY2(checkRefused(e, before), e.id);
    ++tally.refused;
  }
  QVERIFY(tally.refused > 100);
  report("model", tally);
}

void TestHostileWindow::analysisStoresBesideTheirModels() {
  Tally tally;
  for (const CorpusEntry& e : entries("store")) {
    QVERIFY2(prepare(m_base), e.id);
    QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
    QVERIFY2(dropFile(m_window.get(), e.path), e.id);  // the model; its store lies beside it
    QVERIFY2(changed.wait(kWaitMs), e.id + " did not open");
    QCOMPARE(m_window->model().path, e.path);
    if (e.outcome == "ok") {
      QVERIFY2(m_messages.empty(), e.id);
      ++tally.accepted;
      continue;
    }
    QCOMPARE(m_messages.size(), size_t(1));
    const Message& warning = m_messages.front();
    QCOMPARE(warning.title, QString("Stored analysis not applied"));
    QVERIFY2(warning.text.contains(e.names), qPrintable(warning.text));
    bool said = false;
    for (const QString& word : e.expect) said = said || warning.text.contains(word);
    QVERIFY2(said, qPrintable(warning.text));
    ++tally.warned;
  }
  QVERIFY(tally.warned > 20);
  report("store", tally);
}

void TestHostileWindow::latentFilesDroppedOnTheWindowAndAnEndpoint() {
  Tally tally;
  for (const CorpusEntry& e : entries("latent")) {
    QVERIFY2(prepare(m_base), e.id);
    WindowState before = WindowState::of(*m_window);
    const int undoIndex = m_window->undoStack()->index();
    QVERIFY2(dropFile(m_window.get(), e.path), e.id);
    if (e.outcome == "ok") {
      // The file's first latent, as core reads it, as one undoable edit.
      const auto z = latentlab::read_latents(e.path.toStdString(), 3)[0].contiguous();
      const std::vector<float> first(z.data_ptr<float>(), z.data_ptr<float>() + 3);
      QVERIFY2(m_messages.empty(), e.id);
      QCOMPARE(m_window->currentLatent(), first);
      QCOMPARE(m_window->undoStack()->index(), undoIndex + 1);
      m_window->undoStack()->undo();
      QCOMPARE(m_window->currentLatent(), kLatent);
      QVERIFY2(dropFile(strip()->endpointView(0), e.path), e.id);
      QCOMPARE(strip()->endpoint(0), std::optional(first));
      QVERIFY(QTest::qWaitFor([this] { return settled(); }, kWaitMs));
      ++tally.accepted;
      continue;
    }
    QVERIFY2(checkRefused(e, before), e.id);
    m_messages.clear();
    QVERIFY2(dropFile(strip()->endpointView(0), e.path), e.id);
    QVERIFY(QTest::qWaitFor([this] { return settled(); }, kWaitMs));
    QVERIFY2(checkRefused(e, before), e.id + " on endpoint A");
    ++tally.refused;
  }
  QVERIFY(tally.refused > 30);
  report("latent", tally);
}

void TestHostileWindow::imagesDroppedOnTheWindowAndAnEndpoint() {
  using latentlab::ImageShape;
  Tally tally;
  for (const CorpusEntry& e : entries("image")) {
    QVERIFY2(prepare(m_base), e.id);
    const WindowState before = WindowState::of(*m_window);
    QVERIFY2(dropFile(m_window.get(), e.path), e.id);
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                   return !m_window->imageFiles()->isBusy() &&
                          (!m_messages.empty() || m_window->currentLatent() != kLatent);
                 },
                 kWaitMs),
             e.id);
    if (e.outcome == "ok") {
      // The VAE's posterior mean of the file as core reads it.
      auto loaded = latentlab::load_model(m_base.toStdString(), "cpu");
      const auto x = latentlab::read_image(e.path.toStdString(), loaded.model->image_shape(),
                                           loaded.model->output_range());
      const auto mean = loaded.model->encode(x.unsqueeze(0)).mean[0].contiguous();
      const std::vector<float> want(mean.data_ptr<float>(), mean.data_ptr<float>() + 3);
      QVERIFY2(m_messages.empty(), e.id);
      QCOMPARE(m_window->currentLatent(), want);
      QVERIFY2(dropFile(strip()->endpointView(1), e.path), e.id);
      QVERIFY(QTest::qWaitFor([this] { return settled(); }, kWaitMs));
      QCOMPARE(strip()->endpoint(1), std::optional(want));
      ++tally.accepted;
      continue;
    }
    QVERIFY2(checkRefused(e, before), e.id);
    m_messages.clear();
    QVERIFY2(dropFile(strip()->endpointView(1), e.path), e.id);
    QVERIFY(QTest::qWaitFor([this] { return settled(); }, kWaitMs));
    QVERIFY2(checkRefused(e, before), e.id + " on endpoint B");
    ++tally.refused;
  }
  QVERIFY(tally.refused > 15);
  report("image", tally);
}

void TestHostileWindow::sessionsOpenedFromTheFileMenu() {
  Tally tally;
  for (const CorpusEntry& e : entries("session")) {
    QVERIFY2(prepare(m_base), e.id);
    const WindowState before = WindowState::of(*m_window);
    m_window->sessions()->openSession(e.path);  // what File > Open Session does with its choice
    QVERIFY(QTest::qWaitFor([this] { return settled(); }, kWaitMs));
    if (e.outcome == "ok") {
      QVERIFY2(m_messages.empty(), e.id);
      QCOMPARE(m_window->currentLatent(), latentlab::read_session(e.path.toStdString()).latent);
      ++tally.accepted;
      continue;
    }
    QVERIFY2(checkRefused(e, before), e.id);
    ++tally.refused;
  }
  QVERIFY(tally.refused > 15);
  report("session", tally);
}

// Types the entry's spec into the latent map and presses Encode.
Outcome TestHostileWindow::encodeInMap(const CorpusEntry& e) {
  LatentMapPanel* map = m_window->analysisDocks()->map();
  LatentAnalysis* analysis = m_window->analysisDocks()->analysis();
  if (!prepare(m_mapBase)) return Outcome::Broken;
  const WindowState before = WindowState::of(*m_window);
  const int points = map->view()->pointCount();
  QSignalSpy succeeded(analysis->encodeJob(), &BackgroundJob::succeeded);
  map->findChild<QComboBox*>("dataset")->setCurrentText(e.spec);
  map->findChild<QPushButton*>("encode")->click();
  if (!QTest::qWaitFor([&] { return !m_messages.empty() || !succeeded.isEmpty(); }, kWaitMs) ||
      !QTest::qWaitFor([&] { return !analysis->detailsPending() && map->isSettled() && settled(); },
                       kWaitMs))
    return Outcome::Broken;
  if (!succeeded.isEmpty())
    return m_messages.empty() && map->view()->pointCount() > 0 ? Outcome::Accepted
                                                               : Outcome::Broken;
  return checkRefused(e, before) && map->view()->pointCount() == points ? Outcome::Refused
                                                                        : Outcome::Broken;
}

// Model > Analyse with a Data Set, given the entry's spec: attribute vectors from its labels.
Outcome TestHostileWindow::analyseWith(const CorpusEntry& e) {
  if (!prepare(m_mapBase)) return Outcome::Broken;
  const WindowState before = WindowState::of(*m_window);
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  if (m_window->startAnalysis(e.spec) &&
      (!QTest::qWaitFor([&] { return !m_messages.empty(); }, 3 * kWaitMs) ||
       !QTest::qWaitFor([&] { return !m_window->analyser()->job()->isRunning(); }, kWaitMs)))
    return Outcome::Broken;
  if (m_messages.size() == 1 && m_messages.front().title == "Analysis stored")
    return changed.wait(kWaitMs) && QTest::qWaitFor([this] { return settled(); }, kWaitMs)
               ? Outcome::Accepted
               : Outcome::Broken;
  return checkRefused(e, before) ? Outcome::Refused : Outcome::Broken;
}

void TestHostileWindow::idxFilesEncodedInTheLatentMap() {
  Tally tally;
  for (const CorpusEntry& e : entries("idx")) {
    const Outcome map = encodeInMap(e);
    QVERIFY2(map != Outcome::Broken, e.id);
    QCOMPARE(map == Outcome::Accepted, e.outcome == "ok");
    ++(map == Outcome::Accepted ? tally.accepted : tally.refused);
  }
  QVERIFY(tally.refused > 20);
  report("idx", tally);
}

// A CelebA folder in the latent map, then in Model > Analyse with a Data Set. Labels from which
// no attribute vector can be computed (the entries whose message names the data set, not a file)
// load in the map and are refused by the analysis.
void TestHostileWindow::celebaFoldersInTheMapAndTheAnalysis() {
  Tally tally;
  int labelsOnly = 0;
  for (const CorpusEntry& e : entries("celeba")) {
    const Outcome map = encodeInMap(e);
    QVERIFY2(map != Outcome::Broken, e.id);
    const Outcome analysis = analyseWith(e);
    QVERIFY2(analysis != Outcome::Broken, e.id + " in the analysis");
    if (e.outcome == "ok") {
      QVERIFY2(map == Outcome::Accepted && analysis == Outcome::Accepted, e.id);
      ++tally.accepted;
      continue;
    }
    QVERIFY2(analysis == Outcome::Refused, e.id + " was analysed");
    if (map == Outcome::Accepted) {
      QVERIFY2(e.names != e.path, e.id + " was encoded in the map");
      ++labelsOnly;
    }
    ++tally.refused;
  }
  QVERIFY(tally.refused > 15);
  report("celeba", tally);
  qInfo("celeba: %d of them load in the latent map (only their attribute vectors fail)",
        labelsOnly);
}

void TestHostileWindow::aSliderMoveStillRendersWhatCoreDecodes() {
  QVERIFY(prepare(m_base));
  QSlider* slider = m_window->latentPanel()->row(1)->slider();
  slider->setSliderDown(true);
  slider->setValue(-150);
  slider->setSliderDown(false);
  QVERIFY(QTest::qWaitFor([this] { return settled(); }, kWaitMs));
  std::vector<float> moved = kLatent;
  moved[1] = -1.5f;
  QCOMPARE(m_window->currentLatent(), moved);
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_base, moved)));
}

QTEST_MAIN(TestHostileWindow)
#include "test_hostile_window.moc"
