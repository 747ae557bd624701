#include "ui/latent/slider_rows.h"

#include <QRegularExpression>
#include <QScrollBar>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/widgets/value_slider.h"

namespace latentlab::ui {

SliderRows::SliderRows(const QString& widestLabel, double range, QWidget* parent)
    : QScrollArea(parent) {
  m_content = new QWidget;
  m_layout = new QVBoxLayout(m_content);
  m_layout->setSpacing(2);
  m_layout->addStretch(1);
  setWidgetResizable(true);
  setWidget(m_content);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  // Rows scroll vertically only: wide enough for a whole row and the scroll bar.
  const ValueSlider prototype(widestLabel, range);
  m_labelWidth = prototype.labelWidthHint();
  m_baseWidth = prototype.minimumSizeHint().width() + m_layout->contentsMargins().left() +
                m_layout->contentsMargins().right() + verticalScrollBar()->sizeHint().width() +
                2 * frameWidth();
  setMinimumWidth(m_baseWidth);
}

void SliderRows::rebuild(const std::vector<Row>& rows, std::vector<int> order) {
  // The same rows with new tool tips or a new order (the activity statistics arriving after the
  // model) keep their widgets: a slider being dragged at that moment must not be deleted.
  const bool same = std::equal(rows.begin(), rows.end(), m_rows.begin(), m_rows.end(),
                               [](const Row& spec, const ValueSlider* row) {
                                 return spec.label == row->label() && spec.range == row->range();
                               });
  for (ValueSlider* row : m_rows) {
    m_layout->removeWidget(row);
    if (!same) delete row;
  }
  if (!same) m_rows.clear();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!same) {
      auto* row = new ValueSlider(rows[i].label, rows[i].range, m_content);
      connect(row, &ValueSlider::valueChanged, this, &SliderRows::valueChanged);
      connect(row, &ValueSlider::editFinished, this, &SliderRows::editFinished);
      m_rows.push_back(row);
    }
    m_rows[i]->setToolTip(rows[i].toolTip);
  }
  // Named rows ("z5 Mouth_Slightly_Open") can be wider than the labels the area was sized for:
  // the area widens so no name is cut, and every slider starts at the same x.
  int labelWidth = m_labelWidth;
  for (const ValueSlider* row : m_rows) labelWidth = std::max(labelWidth, row->labelWidthHint());
  for (ValueSlider* row : m_rows) row->setLabelWidth(labelWidth);
  setMinimumWidth(m_baseWidth + labelWidth - m_labelWidth);
  m_order = std::move(order);
  for (size_t position = 0; position < m_order.size(); ++position)  // before the stretch
    m_layout->insertWidget(int(position), m_rows.at(size_t(m_order[position])));
  applyFilter();
}

std::vector<double> SliderRows::values() const {
  std::vector<double> out;
  out.reserve(m_rows.size());
  for (const ValueSlider* row : m_rows) out.push_back(row->value());
  return out;
}

void SliderRows::setValues(const std::vector<double>& values) {
  for (size_t i = 0; i < m_rows.size(); ++i)
    m_rows[i]->setValue(i < values.size() ? values[i] : 0.0);
}

void SliderRows::setFilter(const QString& text) {
  m_filter = text;
  applyFilter();
}

void SliderRows::applyFilter() {
  const QStringList words =
      m_filter.split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
  for (ValueSlider* row : m_rows) {
    const bool shown =
        words.isEmpty() || std::any_of(words.begin(), words.end(), [row](const QString& w) {
          return row->label().contains(w, Qt::CaseInsensitive);
        });
    row->setVisible(shown);
  }
}

}  // namespace latentlab::ui
