// The Attributes dock's conditional editing and user attributes, driven in the main window on a
// tiny VAE: with "hold other attributes fixed" a slider moves along core's Gram-Schmidt
// conditioned direction (condition_direction), and the image is core's decode of that latent.
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "core/fitting/attributes.h"
#include "tests/ui/ui_test_support.h"
#include "ui/attributes/attribute_panel.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/widgets/value_slider.h"
#include "ui/window/main_window.h"

using namespace latentlab;
using namespace latentlab::ui;
using namespace latentlab::test;

namespace {

std::vector<float> toVector(const torch::Tensor& t) {
  const auto c = t.contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

bool close(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > 1e-5f) return false;
  return true;
}

}  // namespace

class TestAttributePanel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void init();
  void cleanup();
  void holdToggleAppliesCoreConditionedDirection();
  void heldAttributesKeepTheirCoordinates();
  void userAttributeAddsARow();

 private:
  bool waitForImage() {
    return QTest::qWaitFor([this] { return m_window->renderSettled(); }, 20000);
  }

  QTemporaryDir m_dir;
  QString m_path;
  // Sorted by name, as the panel lists them: Beard, Glasses, Smiling. Correlated on purpose.
  std::vector<std::vector<float>> m_vectors{{0.5f, 1.0f, 0.0f, -0.5f, 0.2f},
                                            {0.0f, 0.3f, 1.0f, 0.0f, 0.1f},
                                            {1.0f, 0.8f, 0.4f, 0.0f, 0.0f}};
  std::unique_ptr<MainWindow> m_window;
};

void TestAttributePanel::initTestCase() {
  QVERIFY(m_dir.isValid());
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath("settings"));
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName("test_attribute_panel");
  m_path = m_dir.filePath("tiny.llckpt");
  saveTinyVae(m_path, {3, 16, 16}, 5,
              {{"Beard", m_vectors[0]}, {"Glasses", m_vectors[1]}, {"Smiling", m_vectors[2]}});
}

void TestAttributePanel::init() {
  m_window = std::make_unique<MainWindow>("cpu");
  m_window->setMessageHandler([](const QString&, const QString& text) { QFAIL(qPrintable(text)); });
  m_window->show();
  QSignalSpy changed(m_window.get(), &MainWindow::modelChanged);
  m_window->openCheckpoint(m_path);
  QVERIFY(changed.wait(20000));
  QVERIFY(waitForImage());
}

void TestAttributePanel::cleanup() { m_window.reset(); }

void TestAttributePanel::holdToggleAppliesCoreConditionedDirection() {
  AttributePanel* panel = m_window->attributePanel();
  QCOMPARE(panel->attributes(), (QStringList{"Beard", "Glasses", "Smiling"}));
  m_window->latentPanel()->row(1)->spinBox()->setValue(0.5);
  panel->row(2)->spinBox()->setValue(1.5);  // Smiling
  QVERIFY(waitForImage());
  std::vector<float> plain = openingLatentWith(5, {{1, 0.5f}});
  for (size_t i = 0; i < plain.size(); ++i) plain[i] += 1.5f * m_vectors[2][i];
  QVERIFY(close(m_window->currentLatent(), plain));
  QVERIFY(samePixels(m_window->imageView()->image(),
                     referenceImage(m_path, m_window->currentLatent())));

  QTest::mouseClick(panel->holdToggle(), Qt::LeftButton);
  QVERIFY(panel->holdOthersFixed());
  const auto conditioned = toVector(condition_direction(
      torch::tensor(m_vectors[2]), {torch::tensor(m_vectors[0]), torch::tensor(m_vectors[1])}));
  QVERIFY(close(panel->appliedDirection(2), conditioned));
  QVERIFY(!close(conditioned, m_vectors[2]));  // the toggle really changes something here
  std::vector<float> held = openingLatentWith(5, {{1, 0.5f}});
  for (size_t i = 0; i < held.size(); ++i) held[i] += 1.5f * conditioned[i];
  QVERIFY(close(m_window->currentLatent(), held));
  QVERIFY(waitForImage());
  QVERIFY(samePixels(m_window->imageView()->image(),
                     referenceImage(m_path, m_window->currentLatent())));

  QTest::mouseClick(panel->holdToggle(), Qt::LeftButton);
  QVERIFY(close(panel->appliedDirection(2), m_vectors[2]));
  QVERIFY(close(m_window->currentLatent(), plain));
}

void TestAttributePanel::heldAttributesKeepTheirCoordinates() {
  AttributePanel* panel = m_window->attributePanel();
  panel->setHoldOthersFixed(true);
  // Moving Beard changes the latent's coordinate along Beard only, not along Glasses or Smiling.
  const std::vector<float> before = m_window->currentLatent();
  panel->row(0)->spinBox()->setValue(2.0);
  const std::vector<float> after = m_window->currentLatent();
  auto dot = [](const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
    return s;
  };
  std::vector<float> moved(after.size());
  for (size_t i = 0; i < moved.size(); ++i) moved[i] = after[i] - before[i];
  QVERIFY(std::abs(dot(moved, m_vectors[1])) < 1e-5);
  QVERIFY(std::abs(dot(moved, m_vectors[2])) < 1e-5);
  QVERIFY(dot(moved, m_vectors[0]) > 0.1);
}

void TestAttributePanel::userAttributeAddsARow() {
  AttributePanel* panel = m_window->attributePanel();
  QSignalSpy added(panel, &AttributePanel::attributesChanged);
  const std::vector<float> direction{0.0f, 0.0f, 0.0f, 1.0f, 0.0f};
  panel->addAttribute("Mine", direction);
  QCOMPARE(added.count(), 1);
  QCOMPARE(panel->attributes().size(), 4);
  QCOMPARE(panel->attributes().last(), QString("Mine"));
  panel->addAttribute("A_much_longer_attribute_name", direction);
  // Every row's slider starts at the same x, however long its name.
  QApplication::processEvents();
  QVERIFY(panel->row(0)->slider()->x() > 0);  // laid out: the label comes first
  for (int i = 1; i < 5; ++i) QCOMPARE(panel->row(i)->slider()->x(), panel->row(0)->slider()->x());
  const std::vector<float> before = m_window->currentLatent();
  panel->row(3)->spinBox()->setValue(-1.0);
  std::vector<float> expected = before;
  expected[3] -= 1.0f;
  QVERIFY(close(m_window->currentLatent(), expected));
  QVERIFY(waitForImage());
  QVERIFY(samePixels(m_window->imageView()->image(),
                     referenceImage(m_path, m_window->currentLatent())));
}

QTEST_MAIN(TestAttributePanel)
#include "test_attribute_panel.moc"
