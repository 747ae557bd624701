// LatentMapPanel's rows of controls: data set and encoding, projection and colours, selection.
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>

#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/latent_map/latent_map_panel.h"
#include "ui/latent_map/latent_scatter_view.h"

namespace latentlab::ui {

QWidget* LatentMapPanel::createEncodeRow() {
  auto* row = new QWidget(this);
  m_dataset = new QComboBox(row);
  m_dataset->setObjectName(QStringLiteral("dataset"));
  m_dataset->setEditable(true);
  m_dataset->setInsertPolicy(QComboBox::InsertAtTop);
  m_dataset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_dataset->setMinimumContentsLength(16);
  m_dataset->addItems(
      {QStringLiteral("fashion-mnist:train"), QStringLiteral("fashion-mnist:test")});
  m_dataset->setToolTip(
      tr("The data set to place in the latent space: fashion-mnist[:train|:test], "
         "idx:IMAGES[:LABELS], folder:DIR (labels from sub-folders) or celeba:DIR"));
  m_encode = new QPushButton(tr("Encode"), row);
  m_encode->setObjectName(QStringLiteral("encode"));
  m_encode->setToolTip(
      tr("Encode the data set with the model (read from the cache when it was encoded before)"));
  m_progress = new QProgressBar(row);
  m_progress->setRange(0, 1000);
  m_progress->setTextVisible(true);
  m_progress->hide();
  m_cancel = new QPushButton(tr("Cancel"), row);
  m_cancel->setObjectName(QStringLiteral("cancelEncode"));
  m_cancel->hide();
  m_status = new QLabel(row);
  m_status->setObjectName(QStringLiteral("status"));

  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Data set:"), row));
  layout->addWidget(m_dataset, 1);
  layout->addWidget(m_encode);
  layout->addWidget(m_progress, 1);
  layout->addWidget(m_cancel);
  layout->addWidget(m_status);
  connect(m_encode, &QPushButton::clicked, this, &LatentMapPanel::encode);
  connect(m_dataset->lineEdit(), &QLineEdit::returnPressed, this, &LatentMapPanel::encode);
  connect(m_cancel, &QPushButton::clicked, m_analysis->encodeJob(), &BackgroundJob::cancel);
  return row;
}

QWidget* LatentMapPanel::createViewRow() {
  auto* row = new QWidget(this);
  m_projection = new QComboBox(row);
  m_projection->setObjectName(QStringLiteral("projection"));
  m_projection->addItem(tr("PCA plane"), QStringLiteral("pca"));
  m_projection->addItem(tr("Two dimensions"), QStringLiteral("dims"));
  m_projection->setToolTip(
      tr("Axes: the data's two principal directions, or two latent dimensions"));
  m_dimX = new QSpinBox(row);
  m_dimY = new QSpinBox(row);
  for (QSpinBox* s : {m_dimX, m_dimY}) {
    s->setPrefix(QStringLiteral("z"));
    s->setEnabled(false);
    s->setToolTip(tr("Latent dimension on this axis"));
  }
  m_dimY->setValue(1);
  m_colour = new QComboBox(row);
  m_colour->setObjectName(QStringLiteral("colour"));
  m_colour->setToolTip(
      tr("Colour the points by class label, by a binary attribute or by GMM component"));
  m_ellipses = new QCheckBox(tr("GMM ellipses"), row);
  m_ellipses->setChecked(true);
  m_ellipses->setToolTip(tr("Each GMM component's 2-sigma ellipse in this projection"));
  auto* fit = new QToolButton(row);
  fit->setText(tr("Fit"));
  fit->setToolTip(tr("Zoom to show every point (the wheel zooms, dragging pans)"));
  m_export = new QPushButton(tr("Export…"), row);
  m_export->setToolTip(tr("Save the map as PNG or PDF"));

  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_projection);
  layout->addWidget(m_dimX);
  layout->addWidget(m_dimY);
  layout->addWidget(new QLabel(tr("Colour:"), row));
  layout->addWidget(m_colour, 1);
  layout->addWidget(m_ellipses);
  layout->addWidget(fit);
  layout->addWidget(m_export);
  connect(m_projection, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
    const bool dims = m_projection->currentData().toString() == QLatin1String("dims");
    m_dimX->setEnabled(dims);
    m_dimY->setEnabled(dims);
    updateProjection();
  });
  connect(m_dimX, qOverload<int>(&QSpinBox::valueChanged), this, &LatentMapPanel::updateProjection);
  connect(m_dimY, qOverload<int>(&QSpinBox::valueChanged), this, &LatentMapPanel::updateProjection);
  connect(m_colour, qOverload<int>(&QComboBox::currentIndexChanged), this,
          &LatentMapPanel::updateColours);
  connect(m_ellipses, &QCheckBox::toggled, this, &LatentMapPanel::updateEllipses);
  connect(fit, &QToolButton::clicked, m_view, &LatentScatterView::rescale);
  connect(m_export, &QPushButton::clicked, this, &LatentMapPanel::chooseExportFile);
  return row;
}

QWidget* LatentMapPanel::createSelectionRow() {
  auto* row = new QWidget(this);
  m_select = new QToolButton(row);
  m_select->setObjectName(QStringLiteral("selectMode"));
  m_select->setText(tr("Select"));
  m_select->setCheckable(true);
  m_select->setToolTip(tr("Drag a rectangle to select points (off: dragging pans)"));
  m_selectionLabel = new QLabel(tr("No selection"), row);
  auto button = [row](const QString& name, const QString& text, const QString& tip) {
    auto* b = new QPushButton(text, row);
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
  m_attributeName = new QLineEdit(row);
  m_attributeName->setObjectName(QStringLiteral("attributeName"));
  m_attributeName->setPlaceholderText(tr("attribute name"));
  m_attributeName->setMaximumWidth(140);
  m_newAttribute = button(QStringLiteral("newAttribute"), tr("New attribute"),
                          tr("Add mean(With) - mean(Without) to the Attributes panel"));

  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_select);
  layout->addWidget(m_selectionLabel, 1);
  for (QWidget* w : std::initializer_list<QWidget*>{m_endpointA, m_endpointB, m_setWith,
                                                    m_setWithout, m_attributeName, m_newAttribute})
    layout->addWidget(w);
  connect(m_select, &QToolButton::toggled, m_view, &LatentScatterView::setSelectMode);
  for (int endpoint : {0, 1})
    connect(endpoint == 0 ? m_endpointA : m_endpointB, &QPushButton::clicked, this,
            [this, endpoint] {
              emit endpointRequested(endpoint, m_analysis->meanLatent(m_selection),
                                     tr("mean of %L1 map points").arg(m_selection.size()));
            });
  connect(m_setWith, &QPushButton::clicked, this, [this] {
    m_with = m_selection;
    updateSelectionButtons();
  });
  connect(m_setWithout, &QPushButton::clicked, this, [this] {
    m_without = m_selection;
    updateSelectionButtons();
  });
  connect(m_newAttribute, &QPushButton::clicked, this, &LatentMapPanel::createAttribute);
  updateSelectionButtons();
  return row;
}

}  // namespace latentlab::ui
