// The Model menu and a GAN in the main window: the device menu, the model info dialog with its
// Markdown card, a GAN's realism meter (checked against core's discriminate of core's decode),
// and projecting an image made from a known latent.
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

#include "core/image/image_io.h"
#include "core/model/gan_model.h"
#include "tests/ui/ui_test_support.h"
#include "ui/latent/latent_panel.h"
#include "ui/latent/realism_meter.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/value_slider.h"
#include "ui/window/image_file_actions.h"
#include "ui/window/main_window.h"
#include "ui/window/model_info_dialog.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

namespace {

constexpr int64_t kGanLatent = 8;

// A tiny DCGAN whose images depend on z (He-initialised generator, as in core's inversion test).
void saveTinyGan(const QString& path) {
  torch::manual_seed(0);
  DcganOptions o;
  o.latent_dim = kGanLatent;
  o.generator_width = 8;
  o.discriminator_width = 4;
  GanModel gan(o);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : gan.net()->generator->named_parameters())
      if (p.value().dim() == 4) torch::nn::init::kaiming_normal_(p.value());
  }
  ModelInfo info;
  info.name = "tiny-gan";
  save_checkpoint(path.toStdString(), gan, info);
}

// Core's realism logit of the image of one latent.
double coreRealism(const QString& path, const std::vector<float>& latent) {
  LoadedModel loaded = load_model(path.toStdString(), "cpu");
  const auto z = torch::tensor(latent).reshape({1, int64_t(latent.size())});
  return loaded.model->discriminate(loaded.model->decode(z))[0].item<double>();
}

}  // namespace

class TestModelMenu : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void deviceMenuListsTheCpuAndTheStatusBarShowsIt();
  void infoDialogShowsTheCardsFieldsAndItsMarkdown();
  void ganHidesEncoderFeaturesAndScoresRealism();
  void projectingAnImageOfAKnownLatentLoadsACloseLatent();

 private:
  bool openAndWait(const QString& path);
  bool waitForImage() {
    return QTest::qWaitFor([this] { return m_window->renderSettled(); }, 20000);
  }
  QAction* action(const QString& text) const;

  QTemporaryDir m_dir;
  QString m_vae;
  QString m_gan;
  std::unique_ptr<MainWindow> m_window;
  QStringList m_messages;
};

void TestModelMenu::initTestCase() {
  QVERIFY(m_dir.isValid());
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath("settings"));
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName("test_model_menu");

  m_vae = m_dir.filePath("card-vae.llckpt");
  saveTinyVae(m_vae, {3, 16, 16}, 5, {{"Smiling", {1.0f, 0.0f, 0.0f, 0.0f, 0.5f}}});
  LoadedModel loaded = load_model(m_vae.toStdString(), "cpu");
  ModelInfo info = loaded.info;
  info.name = "card-vae";
  info.provenance.command = "latentlab-cli train vae --data celeba:faces --epochs 3";
  info.provenance.data = "celeba:faces";
  info.provenance.epochs = 3;
  info.provenance.seed = 42;
  info.provenance.metrics = {{"test_elbo", -123.25}};
  GaussianMixture gmm;
  gmm.components = 2;
  gmm.dim = 5;
  gmm.weights = {0.375f, 0.625f};
  gmm.means.assign(10, 0.0f);
  gmm.covariances.assign(50, 0.0f);
  for (int k = 0; k < 2; ++k)
    for (int i = 0; i < 5; ++i) gmm.covariances[size_t(k * 25 + i * 6)] = 1.0f;
  info.gmm = gmm;
  update_checkpoint_info(m_vae.toStdString(), info);
  QFile card(m_dir.filePath("card-vae.md"));
  QVERIFY(card.open(QIODevice::WriteOnly));
  card.write(
      "# The card-vae model card\n\nTrained for **three** epochs.\n\n| split | ELBO "
      "|\n|---|---|\n| test | -123.25 |\n");
  card.close();

  m_gan = m_dir.filePath("tiny-gan.llckpt");
  saveTinyGan(m_gan);
}

void TestModelMenu::init() {
  m_messages.clear();
  m_window = std::make_unique<MainWindow>("cpu");
  m_window->setMessageHandler([this](const QString&, const QString& text) { m_messages << text; });
  m_window->show();
}

void TestModelMenu::cleanup() { m_window.reset(); }

bool TestModelMenu::openAndWait(const QString& path) {
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  m_window->openCheckpoint(path);
  return changed.wait(20000) && waitForImage() && !m_window->imageView()->image().isNull();
}

QAction* TestModelMenu::action(const QString& text) const {
  for (QAction* a : m_window->findChildren<QAction*>())
    if (a->text() == text) return a;
  return nullptr;
}

void TestModelMenu::deviceMenuListsTheCpuAndTheStatusBarShowsIt() {
  QVERIFY(openAndWait(m_vae));
  QAction* cpu = action("&CPU");
  QVERIFY(cpu);
  QCOMPARE(cpu->data().toString(), QString("cpu"));
  QVERIFY(cpu->isChecked());
  QMenu* devices = qobject_cast<QMenu*>(cpu->parent());
  QVERIFY(devices);
  QCOMPARE(devices->title(), QString("&Device"));
  // Every entry is a device LibTorch knows; this machine's LibTorch has no CUDA.
  for (QAction* a : devices->actions())
    QVERIFY(a->data().toString() == "cpu" || a->data().toString().startsWith("cuda:"));
  // Choosing the device the model is on already reloads nothing.
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  cpu->trigger();
  QTest::qWait(200);
  QCOMPARE(changed.count(), 0);
  QStringList labels;
  for (QLabel* label : m_window->statusBar()->findChildren<QLabel*>()) labels << label->text();
  QVERIFY2(labels.contains("cpu"), qPrintable(labels.join('|')));
  QVERIFY2(labels.filter(QRegularExpression("^[0-9.]+ ms$")).size() == 1,
           qPrintable(labels.join('|')));
  QVERIFY2(labels.filter(QRegularExpression("^[0-9]+ fps$")).size() == 1,
           qPrintable(labels.join('|')));
}

void TestModelMenu::infoDialogShowsTheCardsFieldsAndItsMarkdown() {
  QAction* info = action("Model &Info…");
  QVERIFY(info);
  QVERIFY(!info->isEnabled());  // no model yet
  QVERIFY(openAndWait(m_vae));
  QVERIFY(info->isEnabled());
  info->trigger();
  auto* dialog = m_window->findChild<ModelInfoDialog*>();
  QVERIFY(dialog);
  QVERIFY(QTest::qWaitForWindowExposed(dialog));
  const QString summary = dialog->summary()->toPlainText();
  for (const QString& expected :
       {QString("card-vae"), QString("VAE"), QString("conv-vae"), QString("Latent size\n5"),
        QString("3 × 16 × 16"), QString("celeba:faces"), QString("--epochs 3"),
        QString("test_elbo\n-123.25"), QString("Smiling"), QString("2 components"),
        QString("0.375, 0.625"), m_vae})
    QVERIFY2(summary.contains(expected), qPrintable(expected + " missing from:\n" + summary));
  QVERIFY(dialog->card());
  const QString card = dialog->card()->toPlainText();
  QVERIFY2(card.contains("The card-vae model card") && card.contains("Trained for three epochs"),
           qPrintable(card));
  QVERIFY(!card.contains("**"));  // rendered, not shown as source
  dialog->close();

  // A model without a card beside it: no card tab.
  QVERIFY(openAndWait(m_gan));
  QTRY_VERIFY(m_window->findChild<ModelInfoDialog*>() ==
              nullptr);  // closed dialogs delete themselves
  info->trigger();
  dialog = m_window->findChild<ModelInfoDialog*>();
  QVERIFY(dialog);
  QVERIFY(!dialog->card());
  QVERIFY(dialog->summary()->toPlainText().contains("GAN"));
}

void TestModelMenu::ganHidesEncoderFeaturesAndScoresRealism() {
  QVERIFY(openAndWait(m_vae));
  auto* meter = m_window->findChild<RealismMeter*>();
  QVERIFY(meter);
  QVERIFY(meter->isHidden());  // a VAE has no discriminator
  QVERIFY(!action("&Project Image…")->isVisible());

  QSignalSpy ready(m_window->latentPanel(), &LatentPanel::directionsReady);
  QVERIFY(openAndWait(m_gan));
  QVERIFY(!meter->isHidden());
  QVERIFY(action("&Project Image…")->isVisible());
  QVERIFY(ready.count() > 0 || ready.wait(20000));
  // No encoder and no GMM: no latents describe its data, so no PCA axes.
  QVERIFY(!m_window->latentPanel()->axesAvailable(LatentPanel::Axes::Pca));

  // A GAN opens on the prior sample of seed 0, not on z = 0 (a flat, noisy square).
  QCOMPARE(m_window->currentLatent(), openingLatent(kGanLatent));
  QTRY_VERIFY_WITH_TIMEOUT(meter->hasScore(), 20000);
  QVERIFY2(std::abs(meter->logit() - coreRealism(m_gan, openingLatent(kGanLatent))) < 1e-4,
           qPrintable(QString::number(meter->logit())));
  QSlider* slider = m_window->latentPanel()->row(2)->slider();
  slider->setSliderDown(true);
  slider->setValue(-250);
  slider->setSliderDown(false);
  QVERIFY(waitForImage());
  const std::vector<float> z = m_window->currentLatent();
  QCOMPARE(z[2], -2.5f);
  const double expected = coreRealism(m_gan, z);
  QTRY_VERIFY_WITH_TIMEOUT(std::abs(meter->logit() - expected) < 1e-4, 20000);
}

void TestModelMenu::projectingAnImageOfAKnownLatentLoadsACloseLatent() {
  QVERIFY(openAndWait(m_gan));
  LoadedModel loaded = load_model(m_gan.toStdString(), "cpu");
  torch::manual_seed(11);
  const auto zTrue = torch::randn({1, kGanLatent});
  const auto target = loaded.model->decode(zTrue);
  const QString png = m_dir.filePath("known-z.png");
  write_png(png.toStdString(), target[0], loaded.model->output_range());
  const auto targetRead =
      read_image(png.toStdString(), loaded.model->image_shape(), loaded.model->output_range());

  // What Model > Project Image… does once a file is chosen.
  m_window->imageFiles()->openImage(png);
  QTRY_VERIFY_WITH_TIMEOUT(!m_window->imageFiles()->isBusy(), 60000);
  QVERIFY2(m_messages.isEmpty(), qPrintable(m_messages.join('\n')));
  QVERIFY(waitForImage());
  const std::vector<float> z = m_window->currentLatent();
  QVERIFY(z != openingLatent(kGanLatent));
  const auto fit = loaded.model->decode(torch::tensor(z).reshape({1, kGanLatent}));
  const double error = (fit[0] - targetRead).pow(2).mean().item<double>();
  const double baseline = (loaded.model->decode(torch::zeros({1, kGanLatent}))[0] - targetRead)
                              .pow(2)
                              .mean()
                              .item<double>();
  QVERIFY2(error < 0.05 * baseline,
           qPrintable(QString("error %1, baseline %2").arg(error).arg(baseline)));
  QVERIFY(samePixels(m_window->imageView()->image(), referenceImage(m_gan, z)));
  QVERIFY(!m_window->imageView()->original().isNull());  // the picture beside its projection
}

QTEST_MAIN(TestModelMenu)
#include "test_model_menu.moc"
