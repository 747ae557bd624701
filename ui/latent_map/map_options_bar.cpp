#include "ui/latent_map/map_options_bar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <algorithm>

namespace latentlab::ui {

MapOptionsBar::MapOptionsBar(QWidget* parent) : QWidget(parent) {
  m_projection = new QComboBox(this);
  m_projection->setObjectName(QStringLiteral("projection"));
  m_projection->addItem(tr("PCA plane"), QStringLiteral("pca"));
  m_projection->addItem(tr("Two dimensions"), QStringLiteral("dims"));
  m_projection->setToolTip(
      tr("Axes: the data's two principal directions, or two latent dimensions"));
  m_dimX = new QSpinBox(this);
  m_dimY = new QSpinBox(this);
  for (QSpinBox* s : {m_dimX, m_dimY}) {
    s->setPrefix(QStringLiteral("z"));
    s->setEnabled(false);
    s->setToolTip(tr("Latent dimension on this axis"));
  }
  m_dimY->setValue(1);
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
  layout->addWidget(new QLabel(tr("Colour:"), this));
  layout->addWidget(m_colour, 1);
  layout->addWidget(m_ellipses);
  layout->addWidget(fit);
  layout->addWidget(exportButton);
  connect(m_projection, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    updateDimsEnabled();
    emit projectionChanged();
  });
  connect(m_dimX, qOverload<int>(&QSpinBox::valueChanged), this, &MapOptionsBar::projectionChanged);
  connect(m_dimY, qOverload<int>(&QSpinBox::valueChanged), this, &MapOptionsBar::projectionChanged);
  connect(m_colour, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &MapOptionsBar::colouringChanged);
  connect(m_ellipses, &QCheckBox::toggled, this, &MapOptionsBar::ellipsesToggled);
  connect(fit, &QToolButton::clicked, this, &MapOptionsBar::fitRequested);
  connect(exportButton, &QPushButton::clicked, this, &MapOptionsBar::exportRequested);
}

QString MapOptionsBar::projection() const {
  if (m_projection->currentData().toString() == QLatin1String("pca")) return QStringLiteral("pca");
  return QStringLiteral("dims:%1,%2").arg(m_dimX->value()).arg(m_dimY->value());
}

void MapOptionsBar::setProjection(const QString& spec) {
  const QSignalBlocker blockProjection(m_projection), blockX(m_dimX), blockY(m_dimY);
  if (spec == QLatin1String("pca")) {
    m_projection->setCurrentIndex(0);
  } else if (spec.startsWith(QLatin1String("dims:"))) {
    const QStringList ij = spec.mid(5).split(QLatin1Char(','));
    if (ij.size() != 2) return;
    m_dimX->setValue(ij[0].toInt());
    m_dimY->setValue(ij[1].toInt());
    m_projection->setCurrentIndex(1);
  }
  updateDimsEnabled();
}

void MapOptionsBar::setLatentDim(int dim) {
  m_dimX->setRange(0, std::max(0, dim - 1));
  m_dimY->setRange(0, std::max(0, dim - 1));
}

void MapOptionsBar::updateDimsEnabled() {
  const bool dims = m_projection->currentData().toString() == QLatin1String("dims");
  m_dimX->setEnabled(dims);
  m_dimY->setEnabled(dims);
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
