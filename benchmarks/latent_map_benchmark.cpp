// latentlab_map_benchmark: the Latent map and GMM docks on the bundled Fashion-MNIST model, for
// the numbers a unit test must not time: encoding the 60,000 training images through the panel
// (cold cache, then cached), full replots of 60,000, 70,000 (train + test) and 200,000 points
// (CelebA's size: the 70,000 jittered), moving the current-latent marker, and hover hit tests. With
// --screenshots DIR it also saves grabs of the window, the map (by class or --colour KEY, and by
// GMM component) and the GMM panel; --model PATH and --data SPEC (or "bound": the model's bound
// data set) take the screenshots of another model (the timings need Fashion-MNIST); --maps
// "SPEC;SPEC" also lays the map out with each UMAP/t-SNE spec (MapRunBar::spec), timed and grabbed.
//   xvfb-run -a -s "-screen 0 1600x1000x24" build/benchmarks/latentlab_map_benchmark [--screenshots
//   DIR]
//       [--model PATH --data SPEC --colour class|gmm|attribute:NAME]
#include <torch/torch.h>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>

#include "core/analysis/embedding.h"
#include "core/analysis/projection.h"
#include "core/model/device.h"
#include "core/model/model_file.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/gmm/gmm_panel.h"
#include "ui/latent_map/group_palette.h"
#include "ui/latent_map/latent_map_panel.h"
#include "ui/latent_map/latent_scatter_view.h"
#include "ui/window/analysis_docks.h"
#include "ui/window/main_window.h"

using namespace latentlab;
using namespace latentlab::ui;

namespace {

constexpr int kReplots = 15;
constexpr int kMarkerMoves = 200;
constexpr size_t kCelebaPoints = 200000;

// Runs the event loop until signal fires (or timeoutMs passes); returns the elapsed ms, or -1.
template <typename Sender, typename Signal>
double waitFor(Sender* sender, Signal signal, const std::function<void()>& start,
               int timeoutMs = 600000) {
  QEventLoop loop;
  QTimer timeout;
  timeout.setSingleShot(true);
  bool fired = false;
  auto connection = QObject::connect(sender, signal, &loop, [&] {
    fired = true;
    loop.quit();
  });
  QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
  QElapsedTimer clock;
  clock.start();
  start();
  timeout.start(timeoutMs);
  if (!fired) loop.exec();
  QObject::disconnect(connection);
  return fired ? double(clock.nsecsElapsed()) / 1e6 : -1.0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void settle(int ms) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 20);
}

void grab(QWidget* widget, const QString& dir, const QString& name) {
  if (dir.isEmpty()) return;
  settle(300);
  const QString path = QDir(dir).filePath(name);
  widget->grab().save(path);
  std::printf("screenshot: %s\n", qPrintable(path));
}

QDockWidget* floatDock(QWidget* panel, QSize size) {
  auto* dock = qobject_cast<QDockWidget*>(panel->parentWidget());
  dock->setFloating(true);
  dock->resize(size);
  dock->show();
  dock->raise();
  return dock;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  configure_threads();
  const QStringList args = app.arguments();
  auto option = [&args](const char* name, const QString& fallback) {
    const int at = int(args.indexOf(QLatin1String(name)));
    return at > 0 && at + 1 < args.size() ? args[at + 1] : fallback;
  };
  const QString shots = option("--screenshots", QString());
  if (!shots.isEmpty()) QDir().mkpath(shots);
  const QString data = option("--data", QStringLiteral("fashion-mnist:train"));
  const QString colour = option("--colour", QStringLiteral("class"));
  const bool fashion = data == QLatin1String("fashion-mnist:train");

  // A cold embedding cache, settings and a copy of the checkpoint of our own: the user's are left
  // alone (the panel binds the data set it encodes to the open checkpoint, which would change
  // the bundled model's file; a TorchScript module keeps that in a store beside it, and opens in
  // place).
  QTemporaryDir scratch;
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, scratch.filePath("settings"));
  QApplication::setOrganizationName(QStringLiteral("LatentLab-bench"));
  qputenv("LATENTLAB_CACHE_DIR", scratch.filePath("cache").toUtf8());
  const QString source =
      option("--model", QStringLiteral(LATENTLAB_MODELS_DIR "/fashion-vae.llckpt"));
  const bool checkpoint = source.endsWith(QLatin1String(".llckpt"));
  const QString model = checkpoint ? scratch.filePath(QFileInfo(source).fileName()) : source;
  if (checkpoint && !QFile::copy(source, model)) {
    std::fprintf(stderr, "latentlab_map_benchmark: cannot copy %s\n", qPrintable(source));
    return 1;
  }

  MainWindow window(QStringLiteral("cpu"));
  window.resize(1600, 1000);
  window.show();
  if (waitFor(&window, &MainWindow::modelChanged, [&] { window.openCheckpoint(model); }) < 0)
    return 1;

  LatentAnalysis* analysis = window.analysisDocks()->analysis();
  LatentMapPanel* map = window.analysisDocks()->map();
  // "bound": the data set the panel offers on its own (the one bound to the model), as on a first
  // run.
  if (data != QLatin1String("bound"))
    map->findChild<QComboBox*>(QStringLiteral("dataset"))->setCurrentText(data);
  for (const char* when : {"first (cold cache)", "second (cached)"}) {
    QElapsedTimer clock;
    clock.start();
    const double shown =
        waitFor(analysis, &LatentAnalysis::embeddingChanged, [&] { map->encode(); });
    settle(1);  // the map draws the points on embeddingChanged
    const double drawn = double(clock.nsecsElapsed()) / 1e6;
    if (analysis->detailsPending()) waitFor(analysis, &LatentAnalysis::detailsReady, [] {});
    const double details = double(clock.nsecsElapsed()) / 1e6 - drawn;
    std::printf(
        "encode %s through the panel, %s: points in %.0f ms, drawn %.0f ms, "
        "thumbnails and GMM values +%.0f ms (%d points)\n",
        qPrintable(data), when, shown, drawn, details, analysis->size());
  }
  window.loadLatent(analysis->latent(7), QStringLiteral("benchmark"), analysis->image(7));
  settle(500);
  grab(&window, shots, QStringLiteral("window.png"));
  floatDock(map, {1200, 900});
  map->setColouring(colour);
  grab(map, shots,
       QStringLiteral("map-%1.png")
           .arg(QString(colour).replace(QLatin1Char(':'), QLatin1Char('-'))));
  // --maps "umap:...;tsne:...": each layout run through the panel (live), timed, and grabbed.
  for (const QString& spec :
       option("--maps", QString()).split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
    QElapsedTimer clock;
    clock.start();
    map->setProjection(spec);
    while (!map->isSettled()) QApplication::processEvents(QEventLoop::AllEvents, 50);
    std::printf("map %s through the panel: %.1f s (%d points)\n", qPrintable(spec),
                double(clock.elapsed()) / 1000.0, analysis->size());
    grab(map, shots, QStringLiteral("map-%1.png").arg(spec.section(QLatin1Char(':'), 0, 0)));
  }
  map->setColouring(QStringLiteral("gmm"));
  grab(map, shots, QStringLiteral("map-gmm.png"));
  map->setColouring(colour);
  floatDock(window.analysisDocks()->gmm(), {760, 620});
  grab(window.analysisDocks()->gmm(), shots, QStringLiteral("gmm.png"));

  LatentScatterView* view = map->view();
  auto timeReplots = [&](const char* what) {
    std::vector<double> ms;
    for (int i = 0; i < kReplots; ++i) ms.push_back(view->timedReplot());
    std::printf("full replot, %s: median %.1f ms, min %.1f ms (%d replots, %d points)\n", what,
                median(ms), *std::min_element(ms.begin(), ms.end()), kReplots, view->pointCount());
  };
  timeReplots("the map as shown");
  if (!fashion) return 0;

  // 70,000 points: the test set projected into the training set's PCA plane beside them.
  const LoadedModel loaded = load_model(model.toStdString(), "cpu");
  const EmbeddingKey key{model.toStdString(), "fashion-mnist:test",
                         dataset_options_for(*loaded.model)};
  const Embedding test = embed_dataset(*loaded.model, key, [&key] {
    return std::shared_ptr<const Dataset>(open_dataset(key.data_spec, key.data_options));
  });
  const auto& train = analysis->data().embedding;
  const auto means = torch::cat({train.means, test.means});
  const auto labels = torch::cat({train.labels, test.labels}).contiguous();
  const auto xy = fit_pca(train.means, 2).project(means).contiguous();
  std::vector<double> x(size_t(xy.size(0))), y(size_t(xy.size(0)));
  for (int64_t i = 0; i < xy.size(0); ++i)
    x[size_t(i)] = xy[i][0].item<double>(), y[size_t(i)] = xy[i][1].item<double>();
  std::vector<int> group(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + labels.numel());
  QVector<LatentScatterView::Group> groups;
  for (size_t c = 0; c < train.class_names.size(); ++c)
    groups.append({QString::fromStdString(train.class_names[c]), groupColour(int(c))});
  auto timeInteraction = [&](const char* what) {
    std::vector<double> markerMs, hoverMs;
    QElapsedTimer clock;
    for (int i = 0; i < kMarkerMoves; ++i) {
      const QPointF p = view->point(i * 97 % view->pointCount());
      clock.start();
      view->setMarker(p);
      markerMs.push_back(double(clock.nsecsElapsed()) / 1e6);
      clock.start();
      (void)view->pointAt(view->pixelOf(p));
      hoverMs.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::printf("marker move (its buffered layer only), %s: median %.2f ms\n", what,
                median(markerMs));
    std::printf("hover hit test over %s: median %.2f ms\n", what, median(hoverMs));
  };
  view->setPoints(x, y, QStringLiteral("PC1"), QStringLiteral("PC2"));
  view->setGroups(group, groups);
  timeReplots("70,000 points (train + test) by class");
  timeInteraction("70,000 points");

  // 200,000 points, CelebA's size: the 70,000 again and again, each copy jittered by 1% of the
  // plane's spread, so the map keeps its shape with three times the density.
  std::mt19937 rng(1);
  std::normal_distribution<double> jitter(0.0, 0.01 * xy.std().item<double>());
  std::vector<double> x200, y200;
  std::vector<int> group200;
  for (size_t i = 0; x200.size() < kCelebaPoints; i = (i + 1) % x.size()) {
    x200.push_back(x[i] + jitter(rng));
    y200.push_back(y[i] + jitter(rng));
    group200.push_back(group[i]);
  }
  view->setPoints(std::move(x200), std::move(y200), QStringLiteral("PC1"), QStringLiteral("PC2"));
  view->setGroups(group200, groups);
  timeReplots("200,000 points by class");
  timeInteraction("200,000 points");
  grab(map, shots, QStringLiteral("map-200k.png"));
  return 0;
}
