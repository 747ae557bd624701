#pragma once
// The 2D latent scatter: our facade over QCustomPlot, so nothing else includes qcustomplot.h (but
// point_raster.h, its part)
// (SciQLopPlots' SciQLopPlot). Data comes in as plain coordinates and group numbers.
//
// Speed with 70,000 points: one QCPGraph per colour group, no lines, small squares, no
// antialiasing, adaptive sampling (points that land on the same pixels are drawn once). Above
// 50,000 points (up to CelebA's 200,000) the points are one image rasterised per repaint instead
// (point_raster.h), and the graphs only hold the legend. The
// current-latent marker lives on its own buffered layer, so moving it repaints that layer alone
// instead of every point (QCustomPlot's "Plot Performance Improvement" page). Hit testing
// (hover, click, rectangle) runs over our own copy of the coordinates (scatter_points.h), so
// indices are the data set's.
#include <QColor>
#include <QPointF>
#include <QVector>
#include <QWidget>
#include <vector>

#include "ui/latent_map/scatter_points.h"

class QCPCurve;
class QCPGraph;
class QCPLayer;
class QCustomPlot;
class QMouseEvent;

namespace latentlab::ui {

class PointRaster;

class LatentScatterView : public QWidget {
  Q_OBJECT

 public:
  struct Group {
    QString name;
    QColor colour;
  };

  explicit LatentScatterView(QWidget* parent = nullptr);

  // New points (x[i], y[i]), axes rescaled to show them all; drawn once setGroups colours them.
  void setPoints(std::vector<double> x, std::vector<double> y, const QString& xLabel,
                 const QString& yLabel);
  // Colours: point i is drawn in groups[group[i]] (one legend entry per group).
  void setGroups(const std::vector<int>& group, const QVector<Group>& groups);
  // Closed outlines in plot coordinates (GMM ellipses); labels[k] is drawn at outline k's centre.
  void setEllipses(const std::vector<std::vector<QPointF>>& outlines,
                   const QStringList& labels = {});
  void setMarker(QPointF position);
  void clearMarker();
  bool hasMarker() const { return m_hasMarker; }
  QPointF markerPosition() const { return m_marker; }
  void setSelection(const std::vector<int>& indices);  // drawn as rings over the points
  // Dragging draws a selection rectangle (rectangleSelected) instead of panning.
  void setSelectMode(bool on);
  void rescale();  // zoom to fit all points

  int pointCount() const { return m_points.size(); }
  bool rasterised() const;  // drawn as one image (many points) rather than as scatter graphs
  QString xLabel() const;
  QString yLabel() const;
  QPointF point(int index) const { return m_points.at(index); }
  int groupCount() const { return m_groups.size(); }
  int groupOf(int index) const { return m_group.at(size_t(index)); }
  int ellipseCount() const { return int(m_ellipses.size()); }
  // Pixel of a plot coordinate in plotWidget(), the widget that takes the mouse.
  QPoint pixelOf(QPointF position) const;
  QWidget* plotWidget() const;
  // The point nearest to pixel within radius pixels, or -1.
  int pointAt(QPoint pixel, int radius = 5) const;
  std::vector<int> pointsIn(const QRect& pixels) const;

  // Writes the plot as .png (twice the on-screen resolution), .pdf or .svg, atomically. False with
  // a message in error on failure.
  bool exportTo(const QString& path, QString* error = nullptr);
  // One full repaint of every layer, timed by QCustomPlot (ms): for the 70,000-point measurement.
  double timedReplot();

 signals:
  void pointHovered(int index, const QPoint& globalPos);  // -1: the mouse left every point
  void pointClicked(int index);
  void rectangleSelected(const std::vector<int>& indices);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;  // the mouse leaving the plot

 private:
  void onMousePress(QMouseEvent* event);
  void onMouseMove(QMouseEvent* event);
  void onMouseRelease(QMouseEvent* event);
  void onRectangle(const QRect& rect);
  void clearGraphs(std::vector<QCPGraph*>& graphs);
  bool saveSvg(const QString& file);
  void drawAsGraphs();
  void drawAsRaster();
  QCPGraph* addGroupGraph(int group, bool inLegend);  // in m_groups[group]'s colour
  ScatterPoints::PixelTransform pixelTransform() const;

  QCustomPlot* m_plot;
  QCPLayer* m_overlayLayer;  // ellipses and selection rings
  QCPLayer* m_markerLayer;   // buffered: repainted alone when the marker moves
  QCPGraph* m_selectionGraph;
  QCPGraph* m_markerGraph;
  std::vector<QCPGraph*> m_groupGraphs;
  PointRaster* m_raster;  // the points when there are too many for graphs (owned by m_plot)
  std::vector<QCPCurve*> m_ellipses;
  ScatterPoints m_points;
  std::vector<int> m_group;  // per point
  QVector<Group> m_groups;
  QPointF m_marker;
  bool m_hasMarker = false;
  bool m_selectMode = false;
  QPoint m_pressPos;
  bool m_pressed = false;
  int m_hovered = -1;
};

}  // namespace latentlab::ui
