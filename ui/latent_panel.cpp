#include "ui/latent_panel.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>
#include <cmath>

#include "ui/value_slider.h"

namespace latentlab::ui {

LatentPanel::LatentPanel(QWidget* parent)
    : QWidget(parent), m_rng(QRandomGenerator::global()->generate()) {
  m_randomise = new QPushButton(tr("Randomise"), this);
  m_randomise->setToolTip(tr("Draw a new latent from the prior N(0, I)"));
  m_reset = new QPushButton(tr("Reset"), this);
  m_reset->setToolTip(tr("Set every dimension to 0, the prior's mean"));
  m_truncation = new QDoubleSpinBox(this);
  m_truncation->setRange(0.1, kRange);
  m_truncation->setSingleStep(0.1);
  m_truncation->setValue(kRange);
  m_truncation->setPrefix(tr("|z| ≤ "));
  m_truncation->setToolTip(
      tr("Truncation: Randomise redraws values beyond this bound. Smaller values give more "
         "typical, less varied images."));

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_randomise);
  buttons->addWidget(m_truncation);
  buttons->addStretch(1);
  buttons->addWidget(m_reset);

  m_rowsWidget = new QWidget;
  m_rowsLayout = new QVBoxLayout(m_rowsWidget);
  m_rowsLayout->setSpacing(2);
  m_rowsLayout->addStretch(1);
  m_scroll = new QScrollArea(this);
  m_scroll->setWidgetResizable(true);
  m_scroll->setWidget(m_rowsWidget);
  m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(m_scroll, 1);

  // Rows scroll vertically only: the dock must be wide enough for a whole row and the scroll
  // bar from the start, before any model gives it rows (docks are laid out once, at first show).
  const ValueSlider prototype(QStringLiteral("z000"), kRange);
  m_scroll->setMinimumWidth(prototype.minimumSizeHint().width() + m_rowsLayout->contentsMargins().left() +
                            m_rowsLayout->contentsMargins().right() +
                            m_scroll->verticalScrollBar()->sizeHint().width() + 2 * m_scroll->frameWidth());

  connect(m_randomise, &QPushButton::clicked, this, &LatentPanel::randomise);
  connect(m_reset, &QPushButton::clicked, this, &LatentPanel::reset);
  setDimensions(0);
}

void LatentPanel::setDimensions(int count) {
  for (ValueSlider* row : m_rows) delete row;
  m_rows.clear();
  for (int i = 0; i < count; ++i) {
    auto* row = new ValueSlider(QStringLiteral("z%1").arg(i), kRange, m_rowsWidget);
    m_rowsLayout->insertWidget(i, row);  // before the closing stretch
    connect(row, &ValueSlider::valueChanged, this, &LatentPanel::latentChanged);
    connect(row, &ValueSlider::editFinished, this, &LatentPanel::editFinished);
    m_rows.push_back(row);
  }
  m_randomise->setEnabled(count > 0);
  m_reset->setEnabled(count > 0);
}

std::vector<float> LatentPanel::values() const {
  std::vector<float> out;
  out.reserve(m_rows.size());
  for (const ValueSlider* row : m_rows) out.push_back(float(row->value()));
  return out;
}

void LatentPanel::setValues(const std::vector<float>& values) {
  for (size_t i = 0; i < m_rows.size(); ++i) m_rows[i]->setValue(i < values.size() ? values[i] : 0.0);
  emit latentChanged();
}

double LatentPanel::truncation() const { return m_truncation->value(); }

void LatentPanel::setTruncation(double threshold) { m_truncation->setValue(threshold); }

void LatentPanel::randomise() {
  std::normal_distribution<double> normal(0.0, 1.0);
  const double bound = truncation();
  std::vector<float> z(m_rows.size());
  for (float& v : z) {
    double x = normal(m_rng);
    while (std::abs(x) > bound) x = normal(m_rng);
    v = float(x);
  }
  setValues(z);
  emit editFinished();
}

void LatentPanel::reset() {
  setValues(std::vector<float>(m_rows.size(), 0.0f));
  emit editFinished();
}

}  // namespace latentlab::ui
