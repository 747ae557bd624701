#include "ui/attributes/attribute_panel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/analysis/attribute_conditioning.h"
#include "ui/widgets/value_slider.h"

namespace latentlab::ui {

AttributePanel::AttributePanel(QWidget* parent) : QWidget(parent) {
  m_empty = new QLabel(tr("This model stores no attribute vectors."), this);
  m_empty->setWordWrap(true);
  m_empty->setEnabled(false);
  m_hold = new QCheckBox(tr("Hold other attributes fixed"), this);
  m_hold->setToolTip(
      tr("Conditional editing: each slider moves only along the part of its direction that is "
         "independent of the other attributes, so their values stay as they are"));
  m_reset = new QPushButton(tr("Reset"), this);
  m_reset->setToolTip(tr("Set every attribute amount to 0"));

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_hold);
  buttons->addStretch(1);
  buttons->addWidget(m_reset);
  m_rowsLayout = new QVBoxLayout;
  m_rowsLayout->setSpacing(2);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addWidget(m_empty);
  layout->addLayout(m_rowsLayout);
  layout->addStretch(1);

  connect(m_reset, &QPushButton::clicked, this, &AttributePanel::reset);
  connect(m_hold, &QCheckBox::toggled, this, [this] {
    updateApplied();
    emit amountsChanged(amounts());
  });
  setAttributes({}, {});
}

void AttributePanel::setAttributes(const QStringList& names,
                                   const std::vector<std::vector<float>>& directions) {
  for (ValueSlider* row : m_rows) delete row;
  m_rows.clear();
  m_names.clear();
  m_directions.clear();
  for (int i = 0; i < names.size() && size_t(i) < directions.size(); ++i) {
    m_names << names[i];
    m_directions.push_back(directions[size_t(i)]);
    addRow(names[i], tr("Add this much of the %1 direction to the latent").arg(names[i]));
  }
  updateApplied();
}

void AttributePanel::addAttribute(const QString& name, const std::vector<float>& direction) {
  m_names << name;
  m_directions.push_back(direction);
  addRow(name,
         tr("A user-defined attribute: add this much of the %1 direction to the latent").arg(name));
  updateApplied();
  emit attributesChanged();
}

void AttributePanel::addRow(const QString& name, const QString& tip) {
  auto* row = new ValueSlider(name, kRange, this);
  row->setToolTip(tip);
  m_rowsLayout->addWidget(row);
  connect(row, &ValueSlider::valueChanged, this, [this] { emit amountsChanged(amounts()); });
  connect(row, &ValueSlider::editFinished, this, &AttributePanel::editFinished);
  m_rows.push_back(row);
  // A long name (Mouth_Slightly_Open) must not push its slider out of line with the others.
  int width = 0;
  for (const ValueSlider* r : m_rows) width = std::max(width, r->labelWidthHint());
  for (ValueSlider* r : m_rows) r->setLabelWidth(width);
}

void AttributePanel::updateApplied() {
  // Gram-Schmidt against all other attributes; cheap (a few vectors of latent size), and done only
  // when the set or the toggle changes, not per slider move.
  m_applied = holdOthersFixed() && m_directions.size() > 1 ? conditionedDirections(m_directions)
                                                           : m_directions;
  m_empty->setVisible(m_names.isEmpty());
  m_reset->setEnabled(!m_names.isEmpty());
  m_hold->setEnabled(m_names.size() > 1);
}

void AttributePanel::addTo(std::vector<float>& latent) const {
  for (size_t a = 0; a < m_rows.size(); ++a) {
    const float amount = float(m_rows[a]->value());
    if (amount == 0.0f) continue;
    const auto& direction = m_applied[a];
    for (size_t i = 0; i < latent.size() && i < direction.size(); ++i)
      latent[i] += amount * direction[i];
  }
}

bool AttributePanel::holdOthersFixed() const { return m_hold->isChecked(); }

void AttributePanel::setHoldOthersFixed(bool hold) { m_hold->setChecked(hold); }

std::vector<float> AttributePanel::amounts() const {
  std::vector<float> out;
  out.reserve(m_rows.size());
  for (const ValueSlider* row : m_rows) out.push_back(float(row->value()));
  return out;
}

void AttributePanel::setAmounts(const std::vector<float>& amounts) {
  for (size_t i = 0; i < m_rows.size(); ++i)
    m_rows[i]->setValue(i < amounts.size() ? amounts[i] : 0.0);
  emit amountsChanged(this->amounts());
}

void AttributePanel::reset() {
  setAmounts(std::vector<float>(m_rows.size(), 0.0f));
  emit editFinished();
}

}  // namespace latentlab::ui
