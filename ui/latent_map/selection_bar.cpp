#include "ui/latent_map/selection_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>

namespace latentlab::ui {

SelectionBar::SelectionBar(QWidget* parent) : QWidget(parent) {
  m_select = new QToolButton(this);
  m_select->setObjectName(QStringLiteral("selectMode"));
  m_select->setText(tr("Select"));
  m_select->setCheckable(true);
  m_select->setToolTip(tr("Drag a rectangle to select points (off: dragging pans)"));
  m_label = new QLabel(tr("No selection"), this);
  auto button = [this](const QString& name, const QString& text, const QString& tip) {
    auto* b = new QPushButton(text, this);
    b->setObjectName(name);
    b->setToolTip(tip);
    return b;
  };
  m_endpointA = button(QStringLiteral("endpointA"), tr("→ A"),
                       tr("Use the selection's mean latent as interpolation endpoint A"));
  m_endpointB = button(QStringLiteral("endpointB"), tr("→ B"),
                       tr("Use the selection's mean latent as interpolation endpoint B"));
  m_setWith = button(QStringLiteral("setWith"), tr("With"),
                     tr("Keep the selection as the images that have the new attribute"));
  m_setWithout = button(QStringLiteral("setWithout"), tr("Without"),
                        tr("Keep the selection as the images that lack it"));
  m_attributeName = new QLineEdit(this);
  m_attributeName->setObjectName(QStringLiteral("attributeName"));
  m_attributeName->setPlaceholderText(tr("attribute name"));
  m_attributeName->setMaximumWidth(140);
  m_newAttribute = button(QStringLiteral("newAttribute"), tr("New attribute"),
                          tr("Add mean(With) - mean(Without) to the Attributes panel"));

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_select);
  layout->addWidget(m_label, 1);
  for (QWidget* w : std::initializer_list<QWidget*>{m_endpointA, m_endpointB, m_setWith,
                                                    m_setWithout, m_attributeName, m_newAttribute})
    layout->addWidget(w);
  connect(m_select, &QToolButton::toggled, this, &SelectionBar::selectModeToggled);
  for (int endpoint : {0, 1})
    connect(endpoint == 0 ? m_endpointA : m_endpointB, &QPushButton::clicked, this,
            [this, endpoint] { emit endpointRequested(endpoint, m_selection); });
  connect(m_setWith, &QPushButton::clicked, this, [this] {
    m_with = m_selection;
    updateButtons();
  });
  connect(m_setWithout, &QPushButton::clicked, this, [this] {
    m_without = m_selection;
    updateButtons();
  });
  connect(m_newAttribute, &QPushButton::clicked, this, &SelectionBar::requestAttribute);
  updateButtons();
}

void SelectionBar::setSelection(std::vector<int> indices) {
  m_selection = std::move(indices);
  updateButtons();
}

void SelectionBar::clear() {
  m_selection.clear();
  m_with.clear();
  m_without.clear();
  updateButtons();
}

void SelectionBar::updateButtons() {
  const bool any = !m_selection.empty();
  m_label->setText(tr("%L1 selected · with %L2 · without %L3")
                       .arg(m_selection.size())
                       .arg(m_with.size())
                       .arg(m_without.size()));
  for (QPushButton* b : {m_endpointA, m_endpointB, m_setWith, m_setWithout}) b->setEnabled(any);
  m_newAttribute->setEnabled(!m_with.empty() && !m_without.empty());
}

void SelectionBar::requestAttribute() {
  if (m_with.empty() || m_without.empty()) return;
  QString name = m_attributeName->text().trimmed();
  if (name.isEmpty()) name = tr("Selection %1").arg(++m_attributeCount);
  m_attributeName->clear();
  emit attributeRequested(name, m_with, m_without);
}

}  // namespace latentlab::ui
