#include "ui/latent_map/latent_map_panel.h"

#include <QFileDialog>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/point_groups.h"
#include "ui/latent_map/encode_bar.h"
#include "ui/latent_map/group_palette.h"
#include "ui/latent_map/latent_scatter_view.h"
#include "ui/latent_map/map_options_bar.h"
#include "ui/latent_map/map_run_bar.h"
#include "ui/latent_map/neighbour_strip.h"
#include "ui/latent_map/selection_bar.h"

namespace latentlab::ui {

namespace {

constexpr int kTipSize = 96;  // hover thumbnail edge in pixels

// The hover tip: the image enlarged (crisp) with its caption underneath.
QPixmap tipPixmap(const QImage& image, const QString& caption) {
  const QImage big = image.scaled(kTipSize, kTipSize, Qt::KeepAspectRatio, Qt::FastTransformation);
  const int captionHeight = 18;
  QPixmap pixmap(std::max(big.width(), 120), big.height() + captionHeight);
  pixmap.fill(Qt::white);
  QPainter painter(&pixmap);
  painter.drawImage((pixmap.width() - big.width()) / 2, 0, big);
  painter.drawText(QRect(0, big.height(), pixmap.width(), captionHeight), Qt::AlignCenter, caption);
  return pixmap;
}

}  // namespace

LatentMapPanel::LatentMapPanel(LatentAnalysis* analysis, QWidget* parent)
    : QWidget(parent), m_analysis(analysis), m_projector(new MapProjector(analysis, this)) {
  m_encodeBar = new EncodeBar(analysis, this);
  m_options = new MapOptionsBar(this);
  m_runBar = new MapRunBar(m_projector->layoutJob(), this);
  m_runBar->setVisible(false);
  m_view = new LatentScatterView(this);
  m_view->setMinimumSize(320, 260);
  m_selection = new SelectionBar(this);
  m_neighbours = new NeighbourStrip(analysis, this);
  m_tip = new QLabel(this, Qt::ToolTip);
  m_tip->setFrameShape(QFrame::Box);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(m_encodeBar);
  layout->addWidget(m_options);
  layout->addWidget(m_runBar);
  layout->addWidget(m_view, 1);
  layout->addWidget(m_selection);
  layout->addWidget(m_neighbours);

  connect(m_encodeBar, &EncodeBar::messageRequested, this, &LatentMapPanel::messageRequested);
  connect(m_analysis, &LatentAnalysis::embeddingChanged, this, &LatentMapPanel::onEmbeddingChanged);
  connect(m_analysis, &LatentAnalysis::gmmChanged, this, &LatentMapPanel::onGmmChanged);
  connect(m_analysis, &LatentAnalysis::detailsReady, m_neighbours, &NeighbourStrip::refresh);

  connect(m_projector, &MapProjector::layoutReady, this, &LatentMapPanel::showLayout);
  connect(m_projector, &MapProjector::ellipsesReady, this, [this](const MapEllipses& ellipses) {
    m_ellipses = ellipses;
    showEllipses();
  });
  connect(m_projector, &MapProjector::markerMoved, m_view, &LatentScatterView::setMarker);
  connect(m_projector, &MapProjector::markerCleared, m_view, &LatentScatterView::clearMarker);
  connect(m_projector, &MapProjector::failed, this, [this](const QString& message) {
    emit messageRequested(tr("Cannot project the latents"), message);
  });

  connect(m_options, &MapOptionsBar::projectionChanged, this, [this] {
    m_runBar->setVisible(false);
    requestLayout();
  });
  connect(m_options, &MapOptionsBar::nonlinearChosen, this, [this](const QString& method) {
    m_runBar->setMethod(method);
    m_runBar->setVisible(true);
  });
  connect(m_runBar, &MapRunBar::runRequested, this, &LatentMapPanel::requestLayout);
  connect(m_options, &MapOptionsBar::colouringChanged, this, &LatentMapPanel::updateColours);
  connect(m_options, &MapOptionsBar::ellipsesToggled, this, &LatentMapPanel::showEllipses);
  connect(m_options, &MapOptionsBar::fitRequested, m_view, &LatentScatterView::rescale);
  connect(m_options, &MapOptionsBar::exportRequested, this, &LatentMapPanel::chooseExportFile);

  connect(m_view, &LatentScatterView::pointHovered, this, &LatentMapPanel::onHover);
  connect(m_view, &LatentScatterView::pointClicked, this, &LatentMapPanel::onPointClicked);
  connect(m_view, &LatentScatterView::rectangleSelected, this,
          [this](const std::vector<int>& indices) {
            m_selection->setSelection(indices);
            m_view->setSelection(indices);
          });
  connect(m_selection, &SelectionBar::selectModeToggled, m_view, &LatentScatterView::setSelectMode);
  connect(m_selection, &SelectionBar::endpointRequested, this,
          [this](int endpoint, const std::vector<int>& indices) {
            emit endpointRequested(endpoint, m_analysis->meanLatent(indices),
                                   tr("mean of %L1 map points").arg(indices.size()));
          });
  connect(
      m_selection, &SelectionBar::attributeRequested, this,
      [this](const QString& name, const std::vector<int>& with, const std::vector<int>& without) {
        emit attributeCreated(name, m_analysis->selectionAttribute(with, without));
      });
  connect(m_neighbours, &NeighbourStrip::pointChosen, this, &LatentMapPanel::onPointClicked);
  onEmbeddingChanged();
}

ThumbnailList* LatentMapPanel::neighbours() const { return m_neighbours->list(); }

const std::vector<int>& LatentMapPanel::selection() const { return m_selection->selection(); }

bool LatentMapPanel::isSettled() const {
  return m_projector->isSettled() && m_neighbours->isSettled();
}

void LatentMapPanel::encode() { m_encodeBar->encode(); }

void LatentMapPanel::onEmbeddingChanged() {
  m_options->setLatentDim(m_analysis->model().latentDim);
  m_options->setAttributeNames(m_analysis->axisAttributeNames());
  m_selection->clear();
  m_view->setSelection({});
  m_neighbours->clear();
  offerColourings();
  requestLayout();
  m_neighbours->refresh();
}

void LatentMapPanel::onGmmChanged() {
  const QString before = colouring();
  offerColourings();
  if (colouring() != before || colouring() == QLatin1String("gmm")) updateColours();
  m_projector->updateEllipses();
}

void LatentMapPanel::offerColourings() {
  QVector<QPair<QString, QString>> offered;
  for (const QString& key : colouringKeys(*m_analysis)) {
    if (key == QLatin1String("class"))
      offered.append({key, tr("Class")});
    else if (key == QLatin1String("gmm"))
      offered.append({key, tr("GMM component")});
    else
      offered.append({key, tr("Attribute: %1").arg(key.mid(10))});
  }
  m_options->offerColourings(offered);
}

void LatentMapPanel::setProjection(const QString& spec) {
  const bool nonlinear = m_runBar->setSpec(spec);
  m_options->setProjection(nonlinear ? spec.section(QLatin1Char(':'), 0, 0) : spec);
  m_runBar->setVisible(nonlinear);
  requestLayout();
}

QString LatentMapPanel::projection() const {
  const QString chosen = m_options->projection();
  const bool nonlinear = chosen == QLatin1String("umap") || chosen == QLatin1String("tsne");
  return nonlinear ? m_runBar->spec() : chosen;
}

void LatentMapPanel::setColouring(const QString& key) { m_options->setColouring(key); }

QString LatentMapPanel::colouring() const { return m_options->colouring(); }

void LatentMapPanel::requestLayout() { m_projector->setProjection(projection()); }

void LatentMapPanel::showLayout(const MapLayout& layout) {
  m_view->setPoints(layout.x, layout.y, layout.xLabel, layout.yLabel);
  updateColours();
  m_view->setSelection(selection());
}

void LatentMapPanel::showEllipses() {
  if (m_options->showsEllipses())
    m_view->setEllipses(m_ellipses.outlines, m_ellipses.labels);
  else
    m_view->setEllipses({});
}

void LatentMapPanel::updateColours() {
  if (!m_analysis->hasEmbedding()) return;
  const PointGroups groups = pointGroups(*m_analysis, colouring());
  QVector<LatentScatterView::Group> shown;
  for (int g = 0; g < groups.names.size(); ++g) shown.append({groups.names[g], groupColour(g)});
  if (groups.unlabelled) shown.append({tr("unlabelled"), QColor(170, 170, 170)});
  if (shown.isEmpty()) shown.append({tr("data set"), QColor(70, 90, 140)});
  m_view->setGroups(groups.group, shown);
}

void LatentMapPanel::setCurrentLatent(const std::vector<float>& latent) {
  m_projector->track(latent);
  m_neighbours->setCurrentLatent(latent);
}

void LatentMapPanel::onHover(int index, const QPoint& globalPos) {
  m_hovered = index;
  if (index < 0) {
    m_tip->hide();
    return;
  }
  m_tip->setPixmap(tipPixmap(m_analysis->image(index), m_analysis->itemCaption(index)));
  m_tip->adjustSize();
  m_tip->move(globalPos + QPoint(14, 14));
  m_tip->show();
}

void LatentMapPanel::onPointClicked(int index) {
  emit latentRequested(m_analysis->latent(index), tr("Load data set point %1").arg(index),
                       m_analysis->image(index));
}

bool LatentMapPanel::exportTo(const QString& path, QString* error) {
  return m_view->exportTo(path, error);
}

void LatentMapPanel::chooseExportFile() {
  const QString path = QFileDialog::getSaveFileName(
      this, tr("Export Latent Map"), QStringLiteral("latent-map.png"),
      tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"));
  if (path.isEmpty()) return;
  QString error;
  if (!exportTo(path, &error)) emit messageRequested(tr("Could not export the map"), error);
}

}  // namespace latentlab::ui
