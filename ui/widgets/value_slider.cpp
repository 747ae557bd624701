#include "ui/widgets/value_slider.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QToolButton>
#include <algorithm>
#include <cmath>

namespace latentlab::ui {

namespace {
constexpr int kStepsPerUnit = 100;  // slider resolution: 0.01
}

ValueSlider::ValueSlider(const QString& label, double range, QWidget* parent)
    : QWidget(parent), m_range(range) {
  m_label = new QLabel(label, this);
  m_label->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("Eyeglasses_")));
  m_slider = new QSlider(Qt::Horizontal, this);
  m_slider->setRange(-int(range * kStepsPerUnit), int(range * kStepsPerUnit));
  m_slider->setSingleStep(5);
  m_slider->setPageStep(50);
  m_slider->setMinimumWidth(120);
  m_spin = new QDoubleSpinBox(this);
  m_spin->setRange(-range, range);
  m_spin->setDecimals(2);
  // Ranges differ per row (latent_directions.h sliderRanges): one width for every spin box keeps
  // the sliders of a panel the same length.
  static const int spinWidth = [] {
    QDoubleSpinBox widest;
    widest.setRange(-999.99, 999.99);
    widest.setDecimals(2);
    return widest.sizeHint().width();
  }();
  m_spin->setFixedWidth(spinWidth);
  m_spin->setSingleStep(0.1);
  m_spin->setKeyboardTracking(false);  // a typed number is one edit, not one per keystroke
  m_reset = new QToolButton(this);
  m_reset->setText(QStringLiteral("↺"));
  m_reset->setAutoRaise(true);
  m_reset->setToolTip(tr("Reset %1 to 0").arg(label));
  setToolTip(label);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_label);
  layout->addWidget(m_slider, 1);
  layout->addWidget(m_spin);
  layout->addWidget(m_reset);

  connect(m_slider, &QSlider::valueChanged, this, [this](int steps) {
    // While the handle is held the drag is live but unfinished; a key, wheel or click on the
    // groove moves without holding and is a finished edit at once.
    setFromUser(double(steps) / kStepsPerUnit, !m_slider->isSliderDown());
  });
  connect(m_slider, &QSlider::sliderReleased, this, &ValueSlider::editFinished);
  connect(m_spin, &QDoubleSpinBox::valueChanged, this, [this](double v) { setFromUser(v, true); });
  connect(m_reset, &QToolButton::clicked, this, [this] { setFromUser(0.0, true); });
}

QString ValueSlider::label() const { return m_label->text(); }

int ValueSlider::labelWidthHint() const {
  return std::max(m_label->minimumWidth(), m_label->sizeHint().width());
}

void ValueSlider::setLabelWidth(int pixels) { m_label->setFixedWidth(pixels); }

void ValueSlider::setValue(double value) {
  m_value = value;
  showValue();
}

void ValueSlider::showValue() {
  const double shown = std::clamp(m_value, -m_range, m_range);
  const QSignalBlocker blockSlider(m_slider);
  const QSignalBlocker blockSpin(m_spin);
  m_slider->setValue(int(std::lround(shown * kStepsPerUnit)));
  m_spin->setValue(shown);
}

void ValueSlider::setFromUser(double value, bool finished) {
  if (value != m_value) {
    m_value = value;
    showValue();
    emit valueChanged(m_value);
  }
  if (finished) emit editFinished();
}

}  // namespace latentlab::ui
