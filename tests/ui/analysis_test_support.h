#pragma once
// Shared by the analysis panels' Qt tests: a small labelled folder data set written as PNGs, core's
// own encoding of it (independent of the panels), and a window with a model open and the data set
// encoded in its Latent map.
#include <torch/torch.h>

#include <QDir>
#include <QImage>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <random>

#include "core/analysis/embedding.h"
#include "core/data/dataset.h"
#include "core/model/model_file.h"
#include "tests/ui/ui_test_support.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/gmm/gmm_panel.h"
#include "ui/latent_map/latent_map_panel.h"
#include "ui/window/analysis_docks.h"
#include "ui/window/main_window.h"

namespace latentlab::test {

// folder:DIR with `classes` sub-folders of `perClass` grey size x size PNGs. Class c has a bright
// square in its own place on seeded noise, so the classes differ in pixel space. Returns the spec.
inline QString makeFolderDataset(const QString& dir, int classes, int perClass, int size,
                                 unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(0, 60);
  for (int c = 0; c < classes; ++c) {
    const QString classDir = QDir(dir).filePath(QStringLiteral("class%1").arg(c));
    QDir().mkpath(classDir);
    for (int i = 0; i < perClass; ++i) {
      QImage image(size, size, QImage::Format_Grayscale8);
      const int x0 = (c * size / classes + i % 3) % (size - size / 3),
                y0 = (c * 5 + i % 4) % (size - size / 3);
      for (int y = 0; y < size; ++y) {
        uchar* row = image.scanLine(y);
        for (int x = 0; x < size; ++x) {
          const bool inside = x >= x0 && x < x0 + size / 3 && y >= y0 && y < y0 + size / 3;
          row[x] = uchar(noise(rng) + (inside ? 180 : 0));
        }
      }
      image.save(QDir(classDir).filePath(QStringLiteral("%1.png").arg(i, 3, 10, QLatin1Char('0'))));
    }
  }
  return QStringLiteral("folder:") + dir;
}

// Core's encoding of the data set, in the model's shape and range.
inline Embedding coreEmbedding(const QString& modelPath, const QString& spec) {
  const LoadedModel loaded = load_model(modelPath.toStdString(), "cpu");
  const auto data = open_dataset(spec.toStdString(), dataset_options_for(*loaded.model));
  return encode_dataset(*loaded.model, *data);
}

inline std::vector<float> rowVector(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

inline bool closeVectors(const std::vector<float>& a, const std::vector<float>& b,
                         float tolerance = 1e-5f) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > tolerance * (1.0f + std::abs(b[i]))) return false;
  return true;
}

// Waits until the analysis docks show what their workers computed for the newest request (the
// map's points, ellipses, marker and neighbours, the GMM's typicality meter).
inline bool waitForAnalysisDocks(ui::MainWindow& window, int timeoutMs = 20000) {
  return QTest::qWaitFor(
      [&window] {
        return window.analysisDocks()->map()->isSettled() &&
               window.analysisDocks()->gmm()->isSettled();
      },
      timeoutMs);
}

// Opens the model in window and encodes spec in its Latent map; true when both finished and the
// docks show the result.
inline bool openAndEncode(ui::MainWindow& window, const QString& modelPath, const QString& spec) {
  QSignalSpy changed(&window, &ui::MainWindow::modelChanged);
  window.openCheckpoint(modelPath);
  if (!changed.wait(20000)) return false;
  ui::LatentAnalysis* analysis = window.analysisDocks()->analysis();
  QSignalSpy encoded(analysis, &ui::LatentAnalysis::embeddingChanged);
  QSignalSpy details(analysis, &ui::LatentAnalysis::detailsReady);
  if (!analysis->encode(spec)) return false;
  return encoded.wait(30000) && analysis->hasEmbedding() &&
         (details.count() > 0 || details.wait(30000)) && waitForAnalysisDocks(window);
}

// What the analysis panels' tests start from, all inside dir: settings and the embedding cache
// isolated there, a tiny 1x16x16 VAE with a 4-D latent, a folder data set of 3 classes x 20 images,
// and core's own encoding of it.
struct AnalysisScene {
  static constexpr int kClasses = 3, kPerClass = 20, kImageSize = 16, kLatentDim = 4;
  QString path, spec;
  Embedding reference;
};

inline AnalysisScene makeAnalysisScene(const QTemporaryDir& dir, const char* application) {
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath("settings"));
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName(application);
  qputenv("LATENTLAB_CACHE_DIR", dir.filePath("cache").toUtf8());
  AnalysisScene scene;
  scene.path = dir.filePath("tiny.llckpt");
  saveTinyVae(scene.path, {1, AnalysisScene::kImageSize, AnalysisScene::kImageSize},
              AnalysisScene::kLatentDim);
  scene.spec = makeFolderDataset(dir.filePath("data"), AnalysisScene::kClasses,
                                 AnalysisScene::kPerClass, AnalysisScene::kImageSize);
  scene.reference = coreEmbedding(scene.path, scene.spec);
  return scene;
}

// A shown window (messages collected into *messages) with the scene's model open and its data set
// encoded; null when that failed.
inline std::unique_ptr<ui::MainWindow> openAnalysisWindow(const AnalysisScene& scene,
                                                          QStringList* messages) {
  auto window = std::make_unique<ui::MainWindow>("cpu");
  window->setMessageHandler([messages](const QString&, const QString& text) { *messages << text; });
  window->resize(1500, 1000);
  window->show();
  if (!openAndEncode(*window, scene.path, scene.spec)) return nullptr;
  return window;
}

}  // namespace latentlab::test
