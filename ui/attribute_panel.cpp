#include "ui/attribute_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/value_slider.h"

namespace latentlab::ui {

AttributePanel::AttributePanel(QWidget* parent) : QWidget(parent) {
  m_empty = new QLabel(tr("This model stores no attribute vectors."), this);
  m_empty->setWordWrap(true);
  m_empty->setEnabled(false);
  m_reset = new QPushButton(tr("Reset"), this);
  m_reset->setToolTip(tr("Set every attribute amount to 0"));

  auto* buttons = new QHBoxLayout;
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
  setAttributes({});
}

void AttributePanel::setAttributes(const QStringList& names) {
  for (ValueSlider* row : m_rows) delete row;
  m_rows.clear();
  m_names = names;
  for (const QString& name : names) {
    auto* row = new ValueSlider(name, kRange, this);
    row->setToolTip(tr("Add this much of the %1 direction to the latent").arg(name));
    m_rowsLayout->addWidget(row);
    connect(row, &ValueSlider::valueChanged, this, &AttributePanel::amountsChanged);
    connect(row, &ValueSlider::editFinished, this, &AttributePanel::editFinished);
    m_rows.push_back(row);
  }
  m_empty->setVisible(names.isEmpty());
  m_reset->setEnabled(!names.isEmpty());
}

std::vector<float> AttributePanel::amounts() const {
  std::vector<float> out;
  out.reserve(m_rows.size());
  for (const ValueSlider* row : m_rows) out.push_back(float(row->value()));
  return out;
}

void AttributePanel::setAmounts(const std::vector<float>& amounts) {
  for (size_t i = 0; i < m_rows.size(); ++i) m_rows[i]->setValue(i < amounts.size() ? amounts[i] : 0.0);
  emit amountsChanged();
}

void AttributePanel::reset() {
  setAmounts(std::vector<float>(m_rows.size(), 0.0f));
  emit editFinished();
}

}  // namespace latentlab::ui
