#pragma once
// The Latent map's row for UMAP and t-SNE: the method's parameters (neighbours and minimum
// distance, or perplexity; iterations and seed), set before the run; Run; and the running
// layout's progress and Cancel (the layout job of ui/analysis/map_projector.h).
#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace latentlab::ui {

class BackgroundJob;

class MapRunBar : public QWidget {
  Q_OBJECT

 public:
  MapRunBar(BackgroundJob* job, QWidget* parent = nullptr);

  // Shows the parameters of "umap" or "tsne".
  void setMethod(const QString& method);
  // "umap:neighbours=15,min_dist=0.1,iterations=0,seed=0" or
  // "tsne:perplexity=30,iterations=1000,seed=0", from the boxes.
  QString spec() const;
  // Fills the boxes from such a spec (keys left out keep their values); false for another one.
  bool setSpec(const QString& spec);

 signals:
  void runRequested();

 private:
  QString m_method = QStringLiteral("umap");
  QSpinBox* m_neighbours;
  QDoubleSpinBox* m_minDist;
  QDoubleSpinBox* m_perplexity;
  QSpinBox* m_umapIterations;
  QSpinBox* m_tsneIterations;
  QSpinBox* m_seed;
  QList<QWidget*> m_umapOnly, m_tsneOnly;
  QPushButton* m_run;
  QProgressBar* m_progress;
  QPushButton* m_cancel;
};

}  // namespace latentlab::ui
