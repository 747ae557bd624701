#include "ui/latent_map/map_options_bar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <algorithm>

namespace latentlab::ui {

MapOptionsBar::MapOptionsBar(QWidget* parent) : QWidget(parent) {
  m_projection = new QComboBox(this);
  m_projection->setObjectName(QStringLiteral("projection"));
  m_projection->addItem(tr("PCA plane"), QStringLiteral("pca"));
  m_projection->addItem(tr("Two dimensions"), QStringLiteral("dims"));
  m_projection->addItem(tr("Attribute axes"), QStringLiteral("attributes"));
  m_projection->addItem(tr("UMAP"), QStringLiteral("umap"));
  m_projection->addItem(tr("t-SNE"), QStringLiteral("tsne"));
  m_projection->setToolTip(
      tr("Axes: the data's two principal directions, two latent dimensions or two attribute "
         "vectors; or a non-linear map (UMAP, t-SNE) that keeps neighbours together"));
  m_dimX = new QSpinBox(this);
  m_dimY = new QSpinBox(this);
  for (QSpinBox* s : {m_dimX, m_dimY}) {
    s->setPrefix(QStringLiteral("z"));
    s->setToolTip(tr("Latent dimension on this axis"));
  }
  m_dimY->setValue(1);
  m_attributeX = new QComboBox(this);
  m_attributeX->setObjectName(QStringLiteral("attributeX"));
  m_attributeX->setToolTip(tr("Attribute along x"));
  m_attributeY = new QComboBox(this);
  m_attributeY->setObjectName(QStringLiteral("attributeY"));
  m_attributeY->setToolTip(
      tr("Attribute along y, or the data's widest direction at right angles to x"));
  m_colour = new QComboBox(this);
  m_colour->setObjectName(QStringLiteral("colour"));
  m_colour->setToolTip(
      tr("Colour the points by class label, by a binary attribute or by GMM component"));
  m_ellipses = new QCheckBox(tr("GMM ellipses"), this);
  m_ellipses->setChecked(true);
  m_ellipses->setToolTip(tr("Each GMM component's 2-sigma ellipse in this projection"));
  auto* fit = new QToolButton(this);
  fit->setText(tr("Fit"));
  fit->setToolTip(tr("Zoom to show every point (the wheel zooms, dragging pans)"));
  auto* exportButton = new QPushButton(tr("Export…"), this);
  exportButton->setToolTip(tr("Save the map as PNG or PDF"));

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_projection);
  layout->addWidget(m_dimX);
  layout->addWidget(m_dimY);
  layout->addWidget(m_attributeX);
  layout->addWidget(m_attributeY);
  layout->addWidget(new QLabel(tr("Colour:"), this));
  layout->addWidget(m_colour, 1);
  layout->addWidget(m_ellipses);
  layout->addWidget(fit);
  layout->addWidget(exportButton);
  connect(m_projection, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &MapOptionsBar::onProjectionChosen);
  connect(m_dimX, qOverload<int>(&QSpinBox::valueChanged), this, &MapOptionsBar::projectionChanged);
  connect(m_dimY, qOverload<int>(&QSpinBox::valueChanged), this, &MapOptionsBar::projectionChanged);
  for (QComboBox* box : {m_attributeX, m_attributeY})
    connect(box, qOverload<int>(&QComboBox::currentIndexChanged), this,
            &MapOptionsBar::projectionChanged);
  updateAxesShown();
  connect(m_colour, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &MapOptionsBar::colouringChanged);
  connect(m_ellipses, &QCheckBox::toggled, this, &MapOptionsBar::ellipsesToggled);
  connect(fit, &QToolButton::clicked, this, &MapOptionsBar::fitRequested);
  connect(exportButton, &QPushButton::clicked, this, &MapOptionsBar::exportRequested);
}

QString MapOptionsBar::projection() const {
  const QString kind = m_projection->currentData().toString();
  if (kind == QLatin1String("dims"))
    return QStringLiteral("dims:%1,%2").arg(m_dimX->value()).arg(m_dimY->value());
  if (kind == QLatin1String("attributes")) {
    const QString y = m_attributeY->currentData().toString();
    return QStringLiteral("attributes:") + m_attributeX->currentText() +
           (y.isEmpty() ? QString() : QStringLiteral(",") + y);
  }
  return kind;
}

void MapOptionsBar::setProjection(const QString& spec) {
  const QSignalBlocker blockProjection(m_projection), blockX(m_dimX), blockY(m_dimY),
      blockAttributeX(m_attributeX), blockAttributeY(m_attributeY);
  const QString kind = spec.section(QLatin1Char(':'), 0, 0);
  const QStringList args = spec.section(QLatin1Char(':'), 1).split(QLatin1Char(','));
  if (kind == QLatin1String("dims")) {
    if (args.size() != 2) return;
    m_dimX->setValue(args[0].toInt());
    m_dimY->setValue(args[1].toInt());
  } else if (kind == QLatin1String("attributes")) {
    if (m_attributeX->findText(args[0]) < 0) return;
    m_attributeX->setCurrentText(args[0]);
    m_attributeY->setCurrentIndex(std::max(0, m_attributeY->findData(args.value(1))));
  }
  const int index = m_projection->findData(kind);
  if (index >= 0) m_projection->setCurrentIndex(index);
  updateAxesShown();
}

void MapOptionsBar::setLatentDim(int dim) {
  m_dimX->setRange(0, std::max(0, dim - 1));
  m_dimY->setRange(0, std::max(0, dim - 1));
}

void MapOptionsBar::setAttributeNames(const QStringList& names) {
  const QSignalBlocker blockX(m_attributeX), blockY(m_attributeY);
  const QString x = m_attributeX->currentText(), y = m_attributeY->currentData().toString();
  m_attributeX->clear();
  m_attributeX->addItems(names);
  m_attributeY->clear();
  m_attributeY->addItem(tr("\u22a5 widest"), QString());
  for (const QString& name : names) m_attributeY->addItem(name, name);
  if (names.contains(x)) m_attributeX->setCurrentText(x);
  m_attributeY->setCurrentIndex(std::max(0, m_attributeY->findData(y)));
  const int attributes = m_projection->findData(QStringLiteral("attributes"));
  qobject_cast<QStandardItemModel*>(m_projection->model())
      ->item(attributes)
      ->setEnabled(!names.isEmpty());
}

void MapOptionsBar::onProjectionChosen() {
  updateAxesShown();
  const QString kind = m_projection->currentData().toString();
  if (kind == QLatin1String("umap") || kind == QLatin1String("tsne"))
    emit nonlinearChosen(kind);
  else
    emit projectionChanged();
}

void MapOptionsBar::updateAxesShown() {
  const QString kind = m_projection->currentData().toString();
  m_dimX->setVisible(kind == QLatin1String("dims"));
  m_dimY->setVisible(kind == QLatin1String("dims"));
  m_dimX->setEnabled(true);
  m_dimY->setEnabled(true);
  m_attributeX->setVisible(kind == QLatin1String("attributes"));
  m_attributeY->setVisible(kind == QLatin1String("attributes"));
}

QString MapOptionsBar::colouring() const { return m_colour->currentData().toString(); }

void MapOptionsBar::setColouring(const QString& key) {
  const int index = m_colour->findData(key);
  if (index >= 0) m_colour->setCurrentIndex(index);
}

void MapOptionsBar::offerColourings(const QVector<QPair<QString, QString>>& offered) {
  const QString previous = colouring();
  const QSignalBlocker block(m_colour);
  m_colour->clear();
  m_colour->addItem(tr("None"), QStringLiteral("none"));
  for (const auto& [key, text] : offered) m_colour->addItem(text, key);
  int index = m_colour->findData(previous);
  if (index < 0 || previous == QLatin1String("none"))
    index = std::max(0, m_colour->findData(QStringLiteral("class")));
  if (index == 0 && m_colour->count() > 1) index = 1;
  m_colour->setCurrentIndex(index);
}

bool MapOptionsBar::showsEllipses() const { return m_ellipses->isChecked(); }

}  // namespace latentlab::ui
