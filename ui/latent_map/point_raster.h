#pragma once
// The latent scatter's points drawn as one image per repaint, for maps too large for QCustomPlot's
// scatters (a CelebA-sized 200,000 points): each point lights a 2x2 pixel block, a pixel's colour
// is the mean of the colours of the points on it and its opacity grows with their count (log
// scale), so dense regions read as dense and a lone point still shows. Rasterising is a pass over
// the points at screen resolution (a few ms for 200,000), redone on every pan and zoom, so the
// map stays sharp at any zoom. Part of the scatter view: only latent_scatter_view.cpp includes it.
#include <qcustomplot.h>

#include <QColor>
#include <QVector>
#include <vector>

namespace latentlab::ui {

class PointRaster : public QCPLayerable {
 public:
  PointRaster(QCustomPlot* plot, QCPLayer* layer);

  // Point i at (x[i], y[i]) in colours[group[i]]; a group outside colours is not drawn.
  void setPoints(std::vector<float> x, std::vector<float> y, std::vector<int> group,
                 QVector<QColor> colours);
  void clear();
  bool isEmpty() const { return m_x.empty(); }

 protected:
  void applyDefaultAntialiasingHint(QCPPainter*) const override {}
  void draw(QCPPainter* painter) override;
  QRect clipRect() const override;  // the axis rectangle: points never cover the axes

 private:
  QImage render(const QRect& area) const;

  std::vector<float> m_x, m_y;
  std::vector<int> m_group;
  QVector<QColor> m_colours;
};

}  // namespace latentlab::ui
