#pragma once
// The Latent map's view row: the projection (PCA plane, two chosen latent dimensions, two
// attribute axes, UMAP or t-SNE, whose parameters are in MapRunBar), what colours the points, the
// GMM ellipses toggle, Fit (zoom to every point) and Export.
#include <QPair>
#include <QStringList>
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

  // "pca", "dims:I,J" (0-based), "attributes:A,B", "attributes:A" (A and its best orthogonal
  // partner), "umap" or "tsne". setProjection ignores an unknown spec and emits nothing.
  QString projection() const;
  void setProjection(const QString& spec);
  void setLatentDim(int dim);                        // the dimensions the spin boxes offer
  void setAttributeNames(const QStringList& names);  // the attributes the axes offer

  // "none", "class", "gmm" or "attribute:NAME".
  QString colouring() const;
  void setColouring(const QString& key);  // emits colouringChanged when offered
  // The colourings offered, as (key, text) after "None". Keeps the current choice when it is
  // still offered, else takes the most telling one (the first, class labels being offered
  // first). Emits nothing.
  void offerColourings(const QVector<QPair<QString, QString>>& offered);

  bool showsEllipses() const;

 signals:
  void projectionChanged();                     // a linear projection: shown at once
  void nonlinearChosen(const QString& method);  // "umap" or "tsne": runs when asked to
  void colouringChanged();
  void ellipsesToggled(bool shown);
  void fitRequested();
  void exportRequested();

 private:
  void updateAxesShown();
  void onProjectionChosen();

  QComboBox* m_projection;
  QSpinBox* m_dimX;
  QSpinBox* m_dimY;
  QComboBox* m_attributeX;
  QComboBox* m_attributeY;
  QComboBox* m_colour;
  QCheckBox* m_ellipses;
};

}  // namespace latentlab::ui
