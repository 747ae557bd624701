#include "ui/latent_map/latent_scatter_view.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <algorithm>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "ui/latent_map/point_raster.h"

namespace latentlab::ui {

namespace {

constexpr double kPointSize = 3.0;  // pixels: visible, yet 70,000 of them do not merge into a blob
constexpr int kPointAlpha = 150;  // dense regions look denser; a lone point still shows its colour
constexpr size_t kLayers = 4;     // interleaved draw order of the groups (see setGroups)
constexpr int kClickSlop = 4;     // pixels the mouse may move and still make a click
// Beyond this many points the map is drawn as an image per repaint (point_raster.h): QCustomPlot's
// scatters take ~45 ms per replot at 70,000 points and grow linearly.
constexpr int kRasterAbove = 50000;
const QColor kMarkerColour(220, 20, 60);

QCPGraph* addScatterGraph(QCustomPlot* plot, QCPLayer* layer, const QCPScatterStyle& style) {
  QCPGraph* graph = plot->addGraph();
  graph->setLayer(layer);
  graph->setLineStyle(QCPGraph::lsNone);
  graph->setScatterStyle(style);
  graph->setAntialiasedScatters(false);
  graph->setAdaptiveSampling(true);
  graph->setSelectable(QCP::stNone);
  return graph;
}

}  // namespace

LatentScatterView::LatentScatterView(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(m_plot);

  m_plot->setNoAntialiasingOnDrag(true);
  m_plot->setPlottingHint(QCP::phCacheLabels, true);
  m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  m_plot->setMouseTracking(true);
  m_plot->xAxis->grid()->setVisible(false);
  m_plot->yAxis->grid()->setVisible(false);
  // The legend to the right of the axes, where it never hides points. It sits at the top of a
  // column of its own with an empty element below it: in the plot's row itself its maximum
  // height (its entries' heights, 9 px when empty) would cap the axes' height too.
  auto* side = new QCPLayoutGrid;
  m_plot->plotLayout()->addElement(0, 1, side);
  m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
  side->addElement(0, 0, m_plot->legend);
  side->addElement(1, 0, new QCPLayoutElement(m_plot));
  side->setRowStretchFactor(1, 1000.0);
  m_plot->legend->setVisible(true);
  m_plot->legend->setBorderPen(Qt::NoPen);

  m_plot->addLayer(QStringLiteral("analysis"), m_plot->layer(QStringLiteral("main")),
                   QCustomPlot::limAbove);
  m_overlayLayer = m_plot->layer(QStringLiteral("analysis"));
  m_plot->addLayer(QStringLiteral("marker"), m_overlayLayer, QCustomPlot::limAbove);
  m_markerLayer = m_plot->layer(QStringLiteral("marker"));
  m_markerLayer->setMode(QCPLayer::lmBuffered);

  m_selectionGraph = addScatterGraph(
      m_plot, m_overlayLayer,
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.0), Qt::NoBrush, 7));
  m_selectionGraph->removeFromLegend();
  m_markerGraph =
      addScatterGraph(m_plot, m_markerLayer,
                      QCPScatterStyle(QCPScatterStyle::ssCrossCircle, QPen(kMarkerColour, 2.5),
                                      QColor(255, 255, 255, 160), 16));
  m_markerGraph->setAntialiasedScatters(true);
  m_markerGraph->removeFromLegend();
  m_raster = new PointRaster(m_plot, m_plot->layer(QStringLiteral("main")));

  m_plot->installEventFilter(this);
  connect(m_plot, &QCustomPlot::mousePress, this, &LatentScatterView::onMousePress);
  connect(m_plot, &QCustomPlot::mouseMove, this, &LatentScatterView::onMouseMove);
  connect(m_plot, &QCustomPlot::mouseRelease, this, &LatentScatterView::onMouseRelease);
  connect(m_plot->selectionRect(), &QCPSelectionRect::accepted, this,
          [this](const QRect& rect, QMouseEvent*) { onRectangle(rect); });
}

QWidget* LatentScatterView::plotWidget() const { return m_plot; }

void LatentScatterView::setPoints(std::vector<double> x, std::vector<double> y,
                                  const QString& xLabel, const QString& yLabel) {
  m_points.set(std::move(x), std::move(y));
  m_plot->xAxis->setLabel(xLabel);
  m_plot->yAxis->setLabel(yLabel);
  m_hovered = -1;
  clearGraphs(m_groupGraphs);  // drawn again by setGroups, which the caller calls next
  m_raster->clear();
  m_group.assign(size_t(m_points.size()), -1);
  m_groups.clear();
  rescale();
}

void LatentScatterView::clearGraphs(std::vector<QCPGraph*>& graphs) {
  for (QCPGraph* g : graphs) m_plot->removeGraph(g);
  graphs.clear();
}

void LatentScatterView::setGroups(const std::vector<int>& group, const QVector<Group>& groups) {
  clearGraphs(m_groupGraphs);
  m_group = group;
  m_group.resize(size_t(m_points.size()), -1);
  m_groups = groups;
  if (m_points.size() > kRasterAbove) {
    drawAsRaster();
  } else {
    m_raster->clear();
    drawAsGraphs();
  }
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LatentScatterView::drawAsGraphs() {
  // Each group is split into kLayers graphs by point index, drawn layer by layer (every group's
  // first part, then every group's second, ...), so no class is buried under the classes drawn
  // after it and overlaps look mixed, as in a plot of shuffled points.
  const size_t parts = size_t(m_groups.size()) * kLayers;
  std::vector<QVector<QCPGraphData>> data(parts);
  for (size_t i = 0; i < m_group.size(); ++i)
    if (m_group[i] >= 0 && m_group[i] < m_groups.size()) {
      const QPointF p = m_points.at(int(i));
      data[(i % kLayers) * size_t(m_groups.size()) + size_t(m_group[i])].append({p.x(), p.y()});
    }
  for (size_t part = 0; part < parts; ++part) {
    const int g = int(part % size_t(m_groups.size()));
    QCPGraph* graph = addGroupGraph(g, part < size_t(m_groups.size()));
    graph->data()->set(data[part], /*alreadySorted=*/false);
  }
}

void LatentScatterView::drawAsRaster() {
  std::vector<float> x(size_t(m_points.size())), y(x.size());
  for (int i = 0; i < m_points.size(); ++i) {
    const QPointF p = m_points.at(i);
    x[size_t(i)] = float(p.x());
    y[size_t(i)] = float(p.y());
  }
  QVector<QColor> colours;
  for (const Group& g : m_groups) colours << g.colour;
  m_raster->setPoints(std::move(x), std::move(y), m_group, colours);
  // Empty graphs: the legend's entries, one per group.
  for (int g = 0; g < m_groups.size(); ++g) addGroupGraph(g, true);
}

QCPGraph* LatentScatterView::addGroupGraph(int group, bool inLegend) {
  QColor colour = m_groups[group].colour;
  colour.setAlpha(kPointAlpha);
  QCPGraph* graph =
      addScatterGraph(m_plot, m_plot->layer(QStringLiteral("main")),
                      QCPScatterStyle(QCPScatterStyle::ssSquare, colour, colour, kPointSize));
  graph->setName(m_groups[group].name);
  if (!inLegend)
    graph->removeFromLegend();
  else if (auto* item = m_plot->legend->itemWithPlottable(graph))
    item->setTextColor(m_groups[group].colour.darker(130));
  m_groupGraphs.push_back(graph);
  return graph;
}

void LatentScatterView::setEllipses(const std::vector<std::vector<QPointF>>& outlines,
                                    const QStringList& labels) {
  for (QCPCurve* c : m_ellipses) m_plot->removePlottable(c);
  m_ellipses.clear();
  for (int i = m_plot->itemCount() - 1; i >= 0; --i) m_plot->removeItem(i);
  for (size_t k = 0; k < outlines.size(); ++k) {
    auto* curve = new QCPCurve(m_plot->xAxis, m_plot->yAxis);
    curve->setLayer(m_overlayLayer);
    curve->setPen(QPen(QColor(0, 0, 0, 200), 1.5));
    curve->setAntialiased(true);
    curve->setSelectable(QCP::stNone);
    curve->removeFromLegend();
    QVector<double> xs, ys;
    for (const QPointF& p : outlines[k]) {
      xs << p.x();
      ys << p.y();
    }
    curve->setData(xs, ys);
    m_ellipses.push_back(curve);
    if (int(k) < labels.size() && !outlines[k].empty()) {
      double cx = 0, cy = 0;
      for (const QPointF& p : outlines[k]) cx += p.x(), cy += p.y();
      auto* text = new QCPItemText(m_plot);
      text->setLayer(m_overlayLayer);
      text->position->setCoords(cx / double(outlines[k].size()), cy / double(outlines[k].size()));
      text->setText(labels[int(k)]);
      text->setColor(Qt::black);
      text->setBrush(QColor(255, 255, 255, 170));
    }
  }
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LatentScatterView::setMarker(QPointF position) {
  m_marker = position;
  m_hasMarker = true;
  m_markerGraph->setData({position.x()}, {position.y()});
  // Only the marker's buffered layer is repainted; the 70,000 points below stay cached.
  m_markerLayer->replot();
}

void LatentScatterView::clearMarker() {
  m_hasMarker = false;
  m_markerGraph->data()->clear();
  m_markerLayer->replot();
}

void LatentScatterView::setSelection(const std::vector<int>& indices) {
  QVector<QCPGraphData> data;
  data.reserve(int(indices.size()));
  for (int i : indices)
    if (i >= 0 && i < m_points.size()) data.append({m_points.at(i).x(), m_points.at(i).y()});
  m_selectionGraph->data()->set(data, false);
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LatentScatterView::setSelectMode(bool on) {
  m_selectMode = on;
  m_plot->setSelectionRectMode(on ? QCP::srmCustom : QCP::srmNone);
}

void LatentScatterView::rescale() {
  if (m_points.empty()) return;
  const QRectF r = m_points.bounds();
  const double padX = std::max(1e-6, r.width() * 0.04), padY = std::max(1e-6, r.height() * 0.04);
  m_plot->xAxis->setRange(r.left() - padX, r.right() + padX);
  m_plot->yAxis->setRange(r.top() - padY, r.bottom() + padY);
  m_plot->replot(QCustomPlot::rpQueuedReplot);
}

ScatterPoints::PixelTransform LatentScatterView::pixelTransform() const {
  ScatterPoints::PixelTransform t;
  t.bx = m_plot->xAxis->coordToPixel(0.0);
  t.ax = m_plot->xAxis->coordToPixel(1.0) - t.bx;
  t.by = m_plot->yAxis->coordToPixel(0.0);
  t.ay = m_plot->yAxis->coordToPixel(1.0) - t.by;
  return t;
}

QPoint LatentScatterView::pixelOf(QPointF position) const {
  return QPointF(m_plot->xAxis->coordToPixel(position.x()),
                 m_plot->yAxis->coordToPixel(position.y()))
      .toPoint();
}

int LatentScatterView::pointAt(QPoint pixel, int radius) const {
  return m_points.nearest(pixel, radius, pixelTransform());
}

std::vector<int> LatentScatterView::pointsIn(const QRect& pixels) const {
  return m_points.inside(pixels, pixelTransform());
}

bool LatentScatterView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_plot && event->type() == QEvent::Leave && m_hovered >= 0) {
    m_hovered = -1;
    emit pointHovered(-1, QPoint());
  }
  return QWidget::eventFilter(watched, event);
}

void LatentScatterView::onMousePress(QMouseEvent* event) {
  m_pressPos = event->pos();
  m_pressed = true;
}

void LatentScatterView::onMouseMove(QMouseEvent* event) {
  if (event->buttons() != Qt::NoButton) return;  // panning or selecting, not hovering
  const int index = pointAt(event->pos());
  if (index == m_hovered && index < 0) return;
  m_hovered = index;
  emit pointHovered(index, m_plot->mapToGlobal(event->pos()));
}

void LatentScatterView::onMouseRelease(QMouseEvent* event) {
  if (!m_pressed) return;
  m_pressed = false;
  if ((event->pos() - m_pressPos).manhattanLength() > kClickSlop ||
      event->button() != Qt::LeftButton)
    return;
  const int index = pointAt(event->pos());
  if (index >= 0) emit pointClicked(index);
}

void LatentScatterView::onRectangle(const QRect& rect) {
  if (rect.width() + rect.height() <= kClickSlop) return;  // a click, handled on release
  emit rectangleSelected(pointsIn(rect));
}

bool LatentScatterView::exportTo(const QString& path, QString* error) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf") &&
      suffix != QLatin1String("svg")) {
    if (error) *error = tr("%1: choose a .png, .pdf or .svg file name").arg(path);
    return false;
  }
  try {
    write_via_temporary(path.toStdString(), [&](const std::string& temporary) {
      const QString file = QString::fromStdString(temporary);
      bool ok = false;
      if (suffix == QLatin1String("png"))
        ok = m_plot->savePng(file, 0, 0, 2.0);
      else if (suffix == QLatin1String("pdf"))
        ok = m_plot->savePdf(file);
      else
        ok = saveSvg(file);
      if (!ok) throw WriteError(temporary + ": the plot could not be written");
    });
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  return true;
}

bool LatentScatterView::saveSvg(const QString& file) {
  // QCustomPlot has no SVG export; its painter draws into Qt's SVG generator like into a PDF.
  QSvgGenerator svg;
  svg.setFileName(file);
  svg.setSize(m_plot->size());
  svg.setViewBox(QRect(QPoint(0, 0), m_plot->size()));
  svg.setTitle(tr("Latent map"));
  QCPPainter painter;
  if (!painter.begin(&svg)) return false;
  m_plot->toPainter(&painter, m_plot->width(), m_plot->height());
  return painter.end() && QFileInfo(file).size() > 0;
}

bool LatentScatterView::rasterised() const { return !m_raster->isEmpty(); }

double LatentScatterView::timedReplot() {
  m_plot->replot(QCustomPlot::rpImmediateRefresh);
  return m_plot->replotTime();
}

QString LatentScatterView::xLabel() const { return m_plot->xAxis->label(); }

QString LatentScatterView::yLabel() const { return m_plot->yAxis->label(); }

}  // namespace latentlab::ui
