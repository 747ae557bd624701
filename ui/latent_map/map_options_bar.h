#pragma once
// The Latent map's view row: the plane (PCA or two chosen latent dimensions), what colours the
// points, the GMM ellipses toggle, Fit (zoom to every point) and Export.
#include <QPair>
#include <QVector>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace latentlab::ui {

class MapOptionsBar : public QWidget {
  Q_OBJECT

 public:
  explicit MapOptionsBar(QWidget* parent = nullptr);

  // "pca" or "dims:I,J" (0-based). setProjection ignores an unknown spec and emits nothing.
  QString projection() const;
  void setProjection(const QString& spec);
  void setLatentDim(int dim);  // the dimensions the spin boxes offer

  // "none", "class", "gmm" or "attribute:NAME".
  QString colouring() const;
  void setColouring(const QString& key);  // emits colouringChanged when offered
  // The colourings offered, as (key, text) after "None". Keeps the current choice when it is
  // still offered, else takes the most telling one (the first, class labels being offered
  // first). Emits nothing.
  void offerColourings(const QVector<QPair<QString, QString>>& offered);

  bool showsEllipses() const;

 signals:
  void projectionChanged();
  void colouringChanged();
  void ellipsesToggled(bool shown);
  void fitRequested();
  void exportRequested();

 private:
  void updateDimsEnabled();

  QComboBox* m_projection;
  QSpinBox* m_dimX;
  QSpinBox* m_dimY;
  QComboBox* m_colour;
  QCheckBox* m_ellipses;
};

}  // namespace latentlab::ui
