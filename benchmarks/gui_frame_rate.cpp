// latentlab_gui_frame_rate: the live-rendering promise measured through the real MainWindow (a
// program, not Google Benchmark, and not a test: numbers, no pass/fail). For each model it
//  1. drags the most active latent slider fast: kDragChanges value changes at kDragHz through the
//     real QSlider (handle held, like a mouse drag), and records the frames shown per second,
//     the slider-to-image latency of every shown frame (p50/p95/max), how long the last frame
//     took after the last change, and whether the last frame is the last latent (no backlog);
//  2. moves the slider once every kIsolatedGapMs, kIsolatedChanges times: the latency of a single
//     change with the renderer idle (the PRODUCT.md "slider-to-pixels" figure).
// Latency runs from QSlider::setValue to MainWindow::frameShown (the image handed to the view).
//   build/benchmarks/latentlab_gui_frame_rate [--json PATH] [MODEL.llckpt ...]
// (default: the bundled models). Runs offscreen unless QT_QPA_PLATFORM says otherwise; prints one
// Markdown table, and with --json also writes the figures for benchmarks/report.py.
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/common/allocator_tuning.h"
#include "core/model/device.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/value_slider.h"
#include "ui/window/main_window.h"

using namespace latentlab;
using namespace latentlab::ui;

namespace {

constexpr int kDragChanges = 600;
constexpr double kDragHz = 120.0;
constexpr int kDragSweeps = 2;  // -3 -> +3 -> -3 twice: 4 slider steps (0.04) per change
constexpr int kIsolatedChanges = 60;
constexpr int kIsolatedGapMs = 40;
constexpr int kTimeoutMs = 120000;

struct Result {
  QString model;
  double dragSeconds = 0;
  double changesPerSecond = 0;
  int frames = 0;
  double framesPerSecond = 0;
  double p50 = 0, p95 = 0, max = 0;  // drag latency, ms
  double settleMs = 0;               // last change -> last frame
  double uiP50 = 0;  // drag: ms inside setValue (the change's receivers on the UI thread)
  bool lastIsLast = false;
  double idleP50 = 0, idleP95 = 0;  // isolated changes, ms
  double idleRenderP50 = 0;         // isolated changes: decode and conversion alone, ms
};

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double at = q * double(v.size() - 1);
  const size_t lo = size_t(std::floor(at)), hi = size_t(std::ceil(at));
  return v[lo] + (v[hi] - v[lo]) * (at - double(lo));
}

// Runs the event loop until done() or the timeout; false on timeout. It sleeps between events
// (checked every millisecond), so waiting does not take a core from the render thread.
bool runUntil(const std::function<bool()>& done, int timeoutMs = kTimeoutMs) {
  if (done()) return true;
  QEventLoop loop;
  QTimer check;
  check.setTimerType(Qt::PreciseTimer);
  QObject::connect(&check, &QTimer::timeout, &loop, [&] {
    if (done()) loop.quit();
  });
  QTimer::singleShot(timeoutMs, &loop, [&] { loop.exit(1); });
  check.start(1);
  return loop.exec() == 0;
}

// Runs the event loop for ms milliseconds.
void idle(int ms) {
  QEventLoop loop;
  QTimer::singleShot(ms, &loop, &QEventLoop::quit);
  loop.exec();
}

// Records when each render request was made and when its image was shown.
class Recorder : public QObject {
 public:
  Recorder(MainWindow& window, QElapsedTimer& clock) : m_window(window), m_clock(clock) {
    connect(&window, &MainWindow::frameShown, this, [this](quint64 id, double renderMs) {
      const double now = m_clock.nsecsElapsed() / 1e6;
      const auto it = m_requested.find(id);
      if (it == m_requested.end()) return;  // not one of ours (the load's first frame)
      latencies.push_back(now - it->second);
      renderTimes.push_back(renderMs);
      lastFrameAt = now;
      lastShownId = id;
    });
  }
  // Call right after a change that requested a render, with the time taken just before it (the
  // change's other receivers run synchronously and may take longer than the render itself).
  void requested(double changedAt) { m_requested[m_window.lastRequestId()] = changedAt; }
  void clear() {
    m_requested.clear();
    latencies.clear();
    renderTimes.clear();
    lastShownId = 0;
  }

  std::vector<double> latencies;
  std::vector<double> renderTimes;  // the render thread's decode and conversion of each frame
  double lastFrameAt = 0;
  quint64 lastShownId = 0;

 private:
  MainWindow& m_window;
  QElapsedTimer& m_clock;
  std::map<quint64, double> m_requested;
};

// Slider position (steps of 0.01) of change i of the drag: a triangle wave over the full range.
int dragPosition(int i, int range) {
  const double phase = std::fmod(double(i) * kDragSweeps / kDragChanges, 1.0);  // 0..1 per sweep
  const double x = phase < 0.5 ? -1.0 + 4.0 * phase : 3.0 - 4.0 * phase;        // -1 -> 1 -> -1
  return int(std::lround(x * range));
}

bool measure(const QString& path, Result& r) {
  r.model = QFileInfo(path).completeBaseName();
  MainWindow window(QStringLiteral("cpu"));
  window.resize(1400, 900);
  window.show();
  bool loaded = false, analysed = false;
  QObject::connect(&window, &MainWindow::modelChanged, [&] { loaded = true; });
  QObject::connect(window.latentPanel(), &LatentPanel::directionsReady, [&] { analysed = true; });
  window.openCheckpoint(path);
  // The panel's background analysis (activity, PCA axes) ends before we measure.
  if (!runUntil([&] { return loaded && analysed && window.renderSettled(); })) {
    std::fprintf(stderr, "%s: the model did not open\n", qPrintable(path));
    return false;
  }
  LatentPanel* panel = window.latentPanel();
  QSlider* slider = panel->row(panel->rowOrder().front())->slider();  // the top row: most active
  const int range = slider->maximum();

  QElapsedTimer clock;
  clock.start();
  Recorder recorder(window, clock);

  // 1. The drag, paced by the clock (one change per timer tick at most, like mouse moves).
  slider->setSliderDown(true);
  const double period = 1000.0 / kDragHz;
  int done = 0;
  std::vector<double> uiWork;
  const double start = clock.nsecsElapsed() / 1e6;
  double lastChange = start;
  QTimer pacer;
  pacer.setTimerType(Qt::PreciseTimer);
  pacer.setInterval(1);
  QObject::connect(&pacer, &QTimer::timeout, [&] {
    const double now = clock.nsecsElapsed() / 1e6;
    if (done >= kDragChanges || now < start + done * period) return;
    lastChange = clock.nsecsElapsed() / 1e6;
    slider->setValue(dragPosition(done + 1, range));  // +1: never the starting 0, so it moves
    recorder.requested(lastChange);
    uiWork.push_back(clock.nsecsElapsed() / 1e6 - lastChange);
    ++done;
  });
  pacer.start();
  if (!runUntil([&] { return done >= kDragChanges && window.renderSettled(); })) return false;
  pacer.stop();
  slider->setSliderDown(false);
  r.dragSeconds = (lastChange - start) / 1000.0;
  r.changesPerSecond = (kDragChanges - 1) / r.dragSeconds;
  r.frames = int(recorder.latencies.size());
  r.framesPerSecond = r.frames / ((recorder.lastFrameAt - start) / 1000.0);
  r.p50 = percentile(recorder.latencies, 0.5);
  r.p95 = percentile(recorder.latencies, 0.95);
  r.max = percentile(recorder.latencies, 1.0);
  r.settleMs = recorder.lastFrameAt - lastChange;
  r.uiP50 = percentile(uiWork, 0.5);
  r.lastIsLast = recorder.lastShownId == window.lastRequestId();

  // 2. Isolated changes with the renderer idle.
  idle(300);
  recorder.clear();
  for (int i = 0; i < kIsolatedChanges; ++i) {
    const double changedAt = clock.nsecsElapsed() / 1e6;
    slider->setValue(((i % 2) ? 1 : -1) * (50 + i));
    recorder.requested(changedAt);
    if (!runUntil([&] { return window.renderSettled(); })) return false;
    idle(kIsolatedGapMs);
  }
  r.idleP50 = percentile(recorder.latencies, 0.5);
  r.idleP95 = percentile(recorder.latencies, 0.95);
  r.idleRenderP50 = percentile(recorder.renderTimes, 0.5);
  return true;
}

QString loadAverage() {
  QFile file(QStringLiteral("/proc/loadavg"));
  if (!file.open(QIODevice::ReadOnly)) return QStringLiteral("?");
  return QString::fromLatin1(file.readAll()).section(' ', 0, 2);
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator();  // as the GUI does, before Qt and LibTorch start threads
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  configure_threads();
  // Settings of our own: the user's layout, recent files and autosave are left alone.
  QTemporaryDir scratch;
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, scratch.filePath("settings"));
  QApplication::setOrganizationName(QStringLiteral("LatentLab-bench"));

  QStringList models = app.arguments().mid(1);
  QString jsonPath;
  if (const int at = int(models.indexOf(QStringLiteral("--json")));
      at >= 0 && at + 1 < models.size()) {
    jsonPath = models.at(at + 1);
    models.remove(at, 2);
  }
  if (models.isEmpty())
    for (const char* name : {"fashion-vae.llckpt", "faces-vae.llckpt"})
      models << QStringLiteral(LATENTLAB_MODELS_DIR "/") + QString::fromLatin1(name);

  const QString loadBefore = loadAverage();
  std::vector<Result> results;
  for (const QString& model : models) {
    Result r;
    if (!measure(model, r)) return 1;
    results.push_back(r);
  }
  std::printf(
      "Scripted drag: %d changes of the most active latent slider at %.0f Hz through the real "
      "QSlider; isolated: %d single changes %d ms apart. Load average before %s, after %s.\n\n",
      kDragChanges, kDragHz, kIsolatedChanges, kIsolatedGapMs, qPrintable(loadBefore),
      qPrintable(loadAverage()));
  std::printf(
      "| model | drag: changes/s | frames shown | frames/s | latency p50 | p95 | max | last frame "
      "after last change | last frame = last latent | UI thread per change p50 | isolated change "
      "p50 | p95 | of which decode + conversion p50 |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Result& r : results)
    std::printf(
        "| %s | %.0f | %d | %.0f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s | %.2f ms | %.1f ms "
        "| %.1f ms | %.1f ms |\n",
        qPrintable(r.model), r.changesPerSecond, r.frames, r.framesPerSecond, r.p50, r.p95, r.max,
        r.settleMs, r.lastIsLast ? "yes" : "NO", r.uiP50, r.idleP50, r.idleP95, r.idleRenderP50);
  if (!jsonPath.isEmpty()) {
    nlohmann::json out = nlohmann::json::array();
    for (const Result& r : results)
      out.push_back({{"model", r.model.toStdString()},
                     {"changes_per_second", r.changesPerSecond},
                     {"frames", r.frames},
                     {"changes", kDragChanges},
                     {"frames_per_second", r.framesPerSecond},
                     {"p50_ms", r.p50},
                     {"p95_ms", r.p95},
                     {"max_ms", r.max},
                     {"settle_ms", r.settleMs},
                     {"last_is_last", r.lastIsLast},
                     {"ui_p50_ms", r.uiP50},
                     {"isolated_p50_ms", r.idleP50},
                     {"isolated_p95_ms", r.idleP95},
                     {"isolated_render_p50_ms", r.idleRenderP50}});
    std::ofstream(jsonPath.toStdString()) << out.dump(2) << "\n";
  }
  return 0;
}
