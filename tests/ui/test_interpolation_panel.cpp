// The Interpolation dock driven through its real widgets inside the main window: endpoints from
// seeds, the current latent, another panel and a dropped image; the strip compared pixel for
// pixel with core's interpolation and batch decode; a clicked frame in the main view; Animate;
// exports read back; bad input and unwritable paths give messages.
#include <QComboBox>
#include <QDir>
#include <QImageReader>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>
#include <opencv2/videoio.hpp>
#include <set>

#include "core/analysis/interpolation.h"
#include "core/analysis/sampling.h"
#include "core/image/animation_export.h"
#include "core/image/image_io.h"
#include "core/model/gan_model.h"
#include "tests/ui/ui_test_support.h"
#include "tests/ui/window_test_support.h"
#include "ui/interpolation/endpoint_view.h"
#include "ui/interpolation/interpolation_dock.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/strip_view.h"
#include "ui/window/main_window.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

namespace {

constexpr int kDim = 4;

std::vector<float> toVector(const torch::Tensor& row) {
  const auto c = row.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

torch::Tensor toTensor(const std::vector<float>& v) { return torch::tensor(v, torch::kFloat32); }

// Nearest-neighbour enlargement, written independently of Qt's scaling and core's PNG writer.
QImage enlarged(const QImage& image, int scale) {
  const int bytes = image.depth() / 8;
  QImage out(image.width() * scale, image.height() * scale, image.format());
  for (int y = 0; y < out.height(); ++y)
    for (int x = 0; x < out.width(); ++x)
      std::memcpy(out.scanLine(y) + x * bytes, image.constScanLine(y / scale) + (x / scale) * bytes,
                  size_t(bytes));
  return out;
}

bool sameGrey(const QImage& read, const QImage& expected) {
  return samePixels(read.convertToFormat(QImage::Format_Grayscale8), expected);
}

void sendDrop(QWidget* target, const QString& path) {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  enter.ignore();
  QCoreApplication::sendEvent(target, &enter);
  QVERIFY(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(target, &drop);
}

}  // namespace

class TestInterpolationPanel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void seedEndpointsRenderTheStripInOneBatch();
  void renderBeforeAnySeedUsesTheShownSeeds();
  void clickingAFrameLoadsItIntoTheMainView();
  void endpointsFromTheCurrentLatentAndAnotherPanel();
  void droppedImageIsEncodedToItsPosteriorMean();
  void nonImageDropGivesAMessageAndKeepsTheEndpoint();
  void exportsStripFramesGifAndVideo();
  void exportToAnUnwritablePathGivesAMessageAndNoFile();
  void animatePlaysThePathInTheMainView();
  void anotherModelClearsTheEndpoints();
  void aGanProjectsADroppedImageWithProgress();

 private:
  InterpolationPanel* panel() const { return m_window->interpolationDock()->panel(); }
  template <typename T>
  T* child(const char* name) const {
    T* found = panel()->findChild<T*>(QString::fromLatin1(name));
    if (!found) qFatal("no child %s", name);
    return found;
  }
  bool waitForPanel(int ms = 20000) {
    return QTest::qWaitFor([this] { return !panel()->isBusy(); }, ms);
  }
  bool waitForImage() {
    return QTest::qWaitFor([this] { return m_window->renderSettled(); }, 20000);
  }
  // Seeds 3 and 8 as endpoints through the buttons, and the strip they render.
  void setSeedEndpoints();
  torch::Tensor seedPath(int steps, InterpolationMethod method) const {
    return interpolate_path({latents_from_seed(3, 1, kDim)[0], latents_from_seed(8, 1, kDim)[0]},
                            steps, method);
  }

  QTemporaryDir m_dir;
  QString m_path;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestInterpolationPanel::initTestCase() {
  QVERIFY(m_dir.isValid());
  isolateSettings(m_dir.path(), "test_interpolation_panel");
  // Grey images: the GIF's grey palette is lossless, so every export compares exactly.
  m_path = m_dir.filePath("grey.llckpt");
  saveTinyVae(m_path, {1, 12, 12}, kDim);
}

void TestInterpolationPanel::init() {
  m_messages.clear();
  m_window = newTestWindow(&m_messages);
  m_window->resize(1400, 900);
  QVERIFY(openAndWait(*m_window, m_path));
}

void TestInterpolationPanel::cleanup() { m_window.reset(); }

void TestInterpolationPanel::setSeedEndpoints() {
  child<QSpinBox>("seedValueA")->setValue(3);
  child<QSpinBox>("seedValueB")->setValue(8);
  QTest::mouseClick(child<QToolButton>("seedA"), Qt::LeftButton);
  QTest::mouseClick(child<QToolButton>("seedB"), Qt::LeftButton);
  QVERIFY(waitForPanel());
}

void TestInterpolationPanel::seedEndpointsRenderTheStripInOneBatch() {
  QVERIFY(panel()->stripLatents().empty());
  QVERIFY(!panel()->stripView()->message().isEmpty());
  setSeedEndpoints();
  QCOMPARE(*panel()->endpoint(InterpolationPanel::A), toVector(latents_from_seed(3, 1, kDim)[0]));
  QCOMPARE(panel()->endpointView(InterpolationPanel::B)->caption(), QString("seed 8"));

  // Default: 10 linear steps, exactly core's path, frames exactly core's batch decode.
  auto expected = seedPath(10, InterpolationMethod::Linear);
  QCOMPARE(panel()->stripView()->count(), 10);
  auto frames = referenceImages(m_path, expected);
  for (int i = 0; i < 10; ++i) {
    QCOMPARE(panel()->stripLatents()[size_t(i)], toVector(expected[i]));
    QVERIFY2(samePixels(panel()->stripView()->frame(i), frames[size_t(i)]),
             qPrintable(QString::number(i)));
  }
  // The thumbnails are the endpoints decoded.
  QVERIFY(samePixels(panel()->endpointView(InterpolationPanel::A)->thumbnail(), frames.front()));
  QVERIFY(samePixels(panel()->endpointView(InterpolationPanel::B)->thumbnail(), frames.back()));

  // The real widgets: 7 steps along the great circle.
  child<QComboBox>("method")->setCurrentIndex(1);
  QVERIFY(panel()->spherical());
  panel()->setSteps(7);
  QVERIFY(waitForPanel());
  expected = seedPath(7, InterpolationMethod::Spherical);
  frames = referenceImages(m_path, expected);
  QCOMPARE(panel()->stripView()->count(), 7);
  for (int i = 0; i < 7; ++i) {
    QCOMPARE(panel()->stripLatents()[size_t(i)], toVector(expected[i]));
    QVERIFY(samePixels(panel()->stripView()->frame(i), frames[size_t(i)]));
  }
}

void TestInterpolationPanel::renderBeforeAnySeedUsesTheShownSeeds() {
  QVERIFY(!panel()->endpoint(InterpolationPanel::A) && !panel()->endpoint(InterpolationPanel::B));
  QTest::mouseClick(child<QPushButton>("render"), Qt::LeftButton);  // seeds 0 and 1 are shown
  QVERIFY(waitForPanel());
  QCOMPARE(*panel()->endpoint(InterpolationPanel::A), toVector(latents_from_seed(0, 1, kDim)[0]));
  QCOMPARE(*panel()->endpoint(InterpolationPanel::B), toVector(latents_from_seed(1, 1, kDim)[0]));
  QCOMPARE(panel()->stripView()->count(), 10);
}

void TestInterpolationPanel::clickingAFrameLoadsItIntoTheMainView() {
  setSeedEndpoints();
  const QImage before = m_window->imageView()->image();
  const int undoSteps = m_window->undoStack()->count();
  StripView* strip = panel()->stripView();
  const QRect frame = strip->frameRect(4);
  QVERIFY(!frame.isEmpty());
  QTest::mouseClick(strip, Qt::LeftButton, Qt::NoModifier, frame.center());
  QVERIFY(waitForImage());
  const std::vector<float> expected = panel()->stripLatents()[4];
  QCOMPARE(m_window->currentLatent(), expected);
  QCOMPARE(strip->current(), 4);
  QVERIFY(!samePixels(m_window->imageView()->image(), before));
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_path, expected)));
  QCOMPARE(m_window->undoStack()->count(), undoSteps + 1);
  m_window->undoStack()->undo();
  QVERIFY(waitForImage());
  QCOMPARE(m_window->currentLatent(), openingLatent(kDim));
  // A click between frames loads nothing.
  QTest::mouseClick(strip, Qt::LeftButton, Qt::NoModifier, QPoint(1, 1));
  QCOMPARE(m_window->undoStack()->index(), undoSteps);
}

void TestInterpolationPanel::endpointsFromTheCurrentLatentAndAnotherPanel() {
  const std::vector<float> current{0.5f, -1.25f, 2.0f, 0.125f};
  m_window->latentPanel()->setValues(current);
  QTest::mouseClick(child<QToolButton>("currentA"), Qt::LeftButton);
  QVERIFY(waitForPanel());
  QCOMPARE(*panel()->endpoint(InterpolationPanel::A), current);
  QVERIFY(samePixels(panel()->endpointView(InterpolationPanel::A)->thumbnail(),
                     referenceImage(m_path, current)));

  // The API other panels use: without a thumbnail the panel decodes one, with one it keeps it.
  const std::vector<float> point{-2.0f, 0.0f, 1.0f, 1.5f};
  QVERIFY(panel()->setEndpoint(InterpolationPanel::B, point, QImage(), "latent map"));
  QVERIFY(waitForPanel());
  QVERIFY(samePixels(panel()->endpointView(InterpolationPanel::B)->thumbnail(),
                     referenceImage(m_path, point)));
  QCOMPARE(panel()->endpointView(InterpolationPanel::B)->caption(), QString("latent map"));
  QCOMPARE(panel()->stripLatents().front(), current);
  QCOMPARE(panel()->stripLatents().back(), point);
  QImage given(12, 12, QImage::Format_Grayscale8);
  given.fill(77);
  QVERIFY(panel()->setEndpoint(InterpolationPanel::B, point, given, "given"));
  QVERIFY(samePixels(panel()->endpointView(InterpolationPanel::B)->thumbnail(), given));
  // Wrong length or endpoint: refused, nothing changes.
  QVERIFY(!panel()->setEndpoint(InterpolationPanel::A, {1.0f, 2.0f}));
  QVERIFY(!panel()->setEndpoint(2, point));
  QCOMPARE(*panel()->endpoint(InterpolationPanel::A), current);
}

void TestInterpolationPanel::droppedImageIsEncodedToItsPosteriorMean() {
  // A 40x30 colour picture: read_image crops, resizes and greys it into the model's 1x12x12.
  QImage picture(40, 30, QImage::Format_RGB888);
  for (int y = 0; y < 30; ++y)
    for (int x = 0; x < 40; ++x) picture.setPixelColor(x, y, QColor(x * 6, y * 8, (x * y) % 256));
  const QString file = m_dir.filePath("picture.png");
  QVERIFY(picture.save(file));
  sendDrop(panel()->endpointView(InterpolationPanel::A), file);
  QVERIFY(waitForPanel());
  QVERIFY(m_messages.isEmpty());

  LoadedModel loaded = load_model(m_path.toStdString(), "cpu");
  const auto x =
      read_image(file.toStdString(), loaded.model->image_shape(), loaded.model->output_range());
  const auto mean = toVector(loaded.model->encode(x.unsqueeze(0)).mean[0]);
  const auto got = *panel()->endpoint(InterpolationPanel::A);
  QCOMPARE(int(got.size()), kDim);
  for (int i = 0; i < kDim; ++i) QVERIFY(std::abs(got[size_t(i)] - mean[size_t(i)]) < 1e-5f);
  QCOMPARE(panel()->endpointView(InterpolationPanel::A)->caption(), QString("picture.png"));
  QVERIFY(samePixels(panel()->endpointView(InterpolationPanel::A)->thumbnail(),
                     referenceImage(m_path, got)));
}

void TestInterpolationPanel::nonImageDropGivesAMessageAndKeepsTheEndpoint() {
  setSeedEndpoints();
  const auto before = *panel()->endpoint(InterpolationPanel::A);
  const QString notes = m_dir.filePath("notes.txt");
  QFile file(notes);
  QVERIFY(file.open(QIODevice::WriteOnly));
  file.write("not an image\n");
  file.close();
  sendDrop(panel()->endpointView(InterpolationPanel::A), notes);
  QVERIFY(waitForPanel());
  QCOMPARE(m_messages.size(), 1);
  QVERIFY2(m_messages.first().contains("notes.txt"), qPrintable(m_messages.first()));
  QCOMPARE(*panel()->endpoint(InterpolationPanel::A), before);
  QVERIFY(panel()->endpointView(InterpolationPanel::A)->thumbnail().width() == 12);
  // Still usable: the strip follows the next setting.
  panel()->setSteps(4);
  QVERIFY(waitForPanel());
  QCOMPARE(panel()->stripView()->count(), 4);
}

void TestInterpolationPanel::exportsStripFramesGifAndVideo() {
  setSeedEndpoints();
  panel()->setSteps(5);
  panel()->setExportScale(3);
  QVERIFY(waitForPanel());
  const auto frames = referenceImages(m_path, seedPath(5, InterpolationMethod::Linear));
  QSignalSpy exported(panel(), &InterpolationPanel::exported);

  // One PNG: core's grid layout, 2 white pixels around and between frames, enlarged 3 times.
  const QString strip = m_dir.filePath("strip.png");
  panel()->exportStrip(StripFormat::Png, strip);
  QVERIFY(waitForPanel());
  QCOMPARE(exported.size(), 1);
  const QImage read(strip);
  QCOMPARE(read.size(), QSize((5 * 12 + 6 * 2) * 3, (12 + 2 * 2) * 3));
  for (int i = 0; i < 5; ++i) {
    const QImage tile = read.copy(QRect((2 + i * 14) * 3, 2 * 3, 36, 36));
    QVERIFY2(sameGrey(tile, enlarged(frames[size_t(i)], 3)), qPrintable(QString::number(i)));
  }
  QCOMPARE(qGray(read.pixel(0, 0)), 255);

  // Numbered frames.
  const QString folder = m_dir.filePath("frames");
  panel()->exportStrip(StripFormat::Frames, folder);
  QVERIFY(waitForPanel());
  QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 5);
  for (int i = 0; i < 5; ++i)
    QVERIFY(sameGrey(QImage(QDir(folder).filePath(QString::fromStdString(frame_file_name(i, 5)))),
                     enlarged(frames[size_t(i)], 3)));

  // Animated GIF: five frames, lossless grey.
  const QString gif = m_dir.filePath("path.gif");
  panel()->exportStrip(StripFormat::Gif, gif);
  QVERIFY(waitForPanel());
  QImageReader reader(gif);
  QCOMPARE(reader.imageCount(), 5);
  for (int i = 0; i < 5; ++i) {
    const QImage frame = reader.read();
    QVERIFY2(sameGrey(frame, enlarged(frames[size_t(i)], 3)), qPrintable(reader.errorString()));
  }

  // MP4 through OpenCV: five frames of the enlarged size (made even).
  const QString video = m_dir.filePath("path.mp4");
  panel()->exportStrip(StripFormat::Video, video);
  QVERIFY(waitForPanel());
  QCOMPARE(exported.size(), 4);
  cv::VideoCapture capture(video.toStdString());
  QVERIFY(capture.isOpened());
  int count = 0;
  cv::Mat image;
  while (capture.read(image)) {
    QCOMPARE(image.cols, 36);
    QCOMPARE(image.rows, 36);
    ++count;
  }
  QCOMPARE(count, 5);
  QVERIFY(m_messages.isEmpty());
}

void TestInterpolationPanel::exportToAnUnwritablePathGivesAMessageAndNoFile() {
  // Nothing rendered yet: a message, no file.
  const QString early = m_dir.filePath("early.png");
  panel()->exportStrip(StripFormat::Png, early);
  QCOMPARE(m_messages.size(), 1);
  QVERIFY(!QFile::exists(early));

  setSeedEndpoints();
  const QString missing = m_dir.filePath("no-such-folder/strip.png");
  panel()->exportStrip(StripFormat::Png, missing);
  QVERIFY(waitForPanel());
  QCOMPARE(m_messages.size(), 2);
  QVERIFY2(m_messages.last().contains("no-such-folder"), qPrintable(m_messages.last()));
  QVERIFY(!QFile::exists(missing));
  const QString video = m_dir.filePath("video.avi");  // MP4 only
  panel()->exportStrip(StripFormat::Video, video);
  QVERIFY(waitForPanel());
  QCOMPARE(m_messages.size(), 3);
  QVERIFY(!QFile::exists(video));
  // A folder where the GIF should go.
  panel()->exportStrip(StripFormat::Gif, m_dir.path());
  QVERIFY(waitForPanel());
  QCOMPARE(m_messages.size(), 4);
}

void TestInterpolationPanel::animatePlaysThePathInTheMainView() {
  setSeedEndpoints();
  panel()->setSteps(4);
  QVERIFY(waitForPanel());
  const auto path = panel()->stripLatents();
  const int undoSteps = m_window->undoStack()->count();
  std::set<int> shown;
  bool onlyStripFrames = true;
  connect(m_window.get(), &MainWindow::latentChanged, this, [&] {
    const auto z = m_window->currentLatent();
    const auto it = std::find(path.begin(), path.end(), z);
    if (it == path.end())
      onlyStripFrames = false;
    else
      shown.insert(int(it - path.begin()));
  });
  panel()->setFramesPerSecond(40);
  QTest::mouseClick(child<QPushButton>("animate"), Qt::LeftButton);
  QVERIFY(panel()->isAnimating());
  QTRY_VERIFY_WITH_TIMEOUT(shown.size() == 4, 10000);  // every frame of the path, in the main view
  QVERIFY(onlyStripFrames);
  QCOMPARE(m_window->undoStack()->count(), undoSteps);  // frames while playing are no edits
  QTest::mouseClick(child<QPushButton>("animate"), Qt::LeftButton);
  QVERIFY(!panel()->isAnimating());
  QVERIFY(waitForImage());
  // Where it stopped: the highlighted frame, shown, and one undoable edit.
  const int stopped = panel()->stripView()->current();
  QVERIFY(stopped >= 0);
  QCOMPARE(m_window->currentLatent(), path[size_t(stopped)]);
  QVERIFY(
      samePixels(m_window->imageView()->image(), referenceImage(m_path, path[size_t(stopped)])));
  QCOMPARE(m_window->undoStack()->count(), undoSteps + 1);
}

void TestInterpolationPanel::anotherModelClearsTheEndpoints() {
  setSeedEndpoints();
  QVERIFY(!panel()->stripLatents().empty());
  const QString other = m_dir.filePath("other.llckpt");
  saveTinyVae(other, {3, 8, 8}, 6, {}, /*seed=*/5);
  QVERIFY(openAndWait(*m_window, other));
  QVERIFY(!panel()->endpoint(InterpolationPanel::A) && !panel()->endpoint(InterpolationPanel::B));
  QVERIFY(panel()->stripLatents().empty());
  QCOMPARE(panel()->stripView()->count(), 0);
  QVERIFY(panel()->endpointView(InterpolationPanel::A)->thumbnail().isNull());
  // The new model's seeds are 6-D.
  QTest::mouseClick(child<QToolButton>("seedA"), Qt::LeftButton);
  QVERIFY(waitForPanel());
  QCOMPARE(panel()->endpoint(InterpolationPanel::A)->size(), size_t(6));
}

void TestInterpolationPanel::aGanProjectsADroppedImageWithProgress() {
  // A tiny DCGAN with He-initialised convolutions, so its images depend on z (as in core's test).
  const QString gan = m_dir.filePath("gan.llckpt");
  {
    torch::manual_seed(0);
    DcganOptions options;
    options.latent_dim = 8;
    options.generator_width = 8;
    options.discriminator_width = 4;
    GanModel model(options);
    torch::NoGradGuard no_grad;
    for (auto& p : model.net()->generator->named_parameters())
      if (p.value().dim() == 4) torch::nn::init::kaiming_normal_(p.value());
    save_checkpoint(gan.toStdString(), model, ModelInfo{});
  }
  QVERIFY(openAndWait(*m_window, gan));

  // The target: an image the generator made from a known latent, as a PNG file.
  LoadedModel loaded = load_model(gan.toStdString(), "cpu");
  const auto range = loaded.model->output_range();
  const auto truth = latents_from_seed(21, 1, 8);
  const QString file = m_dir.filePath("generated.png");
  write_png(file.toStdString(), loaded.model->decode(truth)[0], range);
  const auto target = read_image(file.toStdString(), loaded.model->image_shape(), range);

  QSignalSpy status(panel(), &InterpolationPanel::statusMessage);
  sendDrop(panel()->endpointView(InterpolationPanel::A), file);
  QVERIFY(waitForPanel(120000));
  QVERIFY2(m_messages.isEmpty(), qPrintable(m_messages.join('\n')));
  const auto found = toTensor(*panel()->endpoint(InterpolationPanel::A)).unsqueeze(0);
  const float error = (loaded.model->decode(found)[0] - target).pow(2).mean().item<float>();
  const float baseline =
      (loaded.model->decode(latents_from_seed(5, 1, 8))[0] - target).pow(2).mean().item<float>();
  QVERIFY2(error < 0.05f * baseline,
           qPrintable(QString("error %1, baseline %2").arg(error).arg(baseline)));
  bool reported = false;
  for (const auto& args : status)
    reported = reported || args.at(0).toString().contains("step 300 of 300");
  QVERIFY(reported);
}

QTEST_MAIN(TestInterpolationPanel)
#include "test_interpolation_panel.moc"
