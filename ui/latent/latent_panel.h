#pragma once
// The Latent dock: one slider per latent dimension in a scroll area, or one per principal axis of
// the data in latent space (GANSpace style); Randomise (from the N(0, I) prior, truncated) and
// Reset. Large latents show their most active dimensions first; a text filter hides rows. The
// image follows the sliders live while dragging.
#include <QWidget>
#include <random>
#include <vector>

#include "ui/analysis/latent_directions.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;

namespace latentlab::ui {

class BackgroundJob;
class SliderRows;
class ValueSlider;
struct ModelSummary;

class LatentPanel : public QWidget {
  Q_OBJECT

 public:
  // Sliders span [-3, +3], 3 prior standard deviations, or wider where the model's data lies
  // further out (sliderRanges); PCA rows are in the data's standard deviations.
  static constexpr double kRange = 3.0;
  // Latents with more dimensions than this show the most active ones first (once known), unless
  // the model names its first coordinates (a guided VAE): those stay on top.
  static constexpr int kManyDimensions = 16;

  // What the rows are: latent dimensions (by index or most active first) or principal axes.
  enum class Axes { Dimensions, MostActiveFirst, Pca };

  explicit LatentPanel(QWidget* parent = nullptr);

  // Rows for the model's dimensions, all at 0; the dimensions' activity and the PCA axes are
  // computed in the background, then directionsReady() (or directionsFailed()) is emitted.
  void setModel(const ModelSummary& model);
  // Rows for `count` dimensions, all at 0, without a model (no activity, no PCA axes).
  void setDimensions(int count);
  int dimensions() const { return m_dimensions; }

  // The latent, whatever the rows are.
  std::vector<float> values() const;
  // Programmatic change (undo, a loaded latent): emits latentChanged but not editFinished.
  void setValues(const std::vector<float>& values);

  Axes axes() const { return m_axes; }
  // Changes what the rows are; the latent stays. Ignored when not available.
  void setAxes(Axes axes);
  bool axesAvailable(Axes axes) const;
  const LatentDirections& directions() const { return m_directions; }

  // Row indices (dimensions or principal axes) from top to bottom, hidden rows included.
  std::vector<int> rowOrder() const;

  double truncation() const;
  void setTruncation(double threshold);
  void setSeed(unsigned seed) { m_rng.seed(seed); }
  // Row i: dimension i, or with PCA axes principal axis i (PC i+1).
  ValueSlider* row(int index) const;
  QComboBox* axesBox() const { return m_axesBox; }
  QLineEdit* filterEdit() const { return m_filter; }
  // The model's directions and activity, computed in the background after setModel: the axes
  // they allow, the rows' tool tips and order (the rows themselves stay while their labels and
  // ranges do, so a slider being dragged survives).
  void showDirections(const LatentDirections& directions);

 public slots:
  // Each value drawn from N(0, 1), redrawn while |z| > truncation (the truncation trick).
  void randomise();
  // Every row to 0: the prior's mean, or with PCA axes the data's mean.
  void reset();

 signals:
  void latentChanged(const std::vector<float>& latent);  // every change, live while dragging
  void editFinished();                                   // one undoable edit is complete
  void directionsReady();
  void directionsFailed(const QString& message);

 private:
  // Rows for `count` dimensions at 0, dimension i spanning [-ranges[i], +ranges[i]].
  void resetRows(int count, std::vector<double> ranges, std::vector<QString> names = {});
  void buildRows(const std::vector<float>& latent);
  void updateAxesChoices(const QString& note);
  void onRowChanged();

  SliderRows* m_rows;
  QDoubleSpinBox* m_truncation;
  QPushButton* m_randomise;
  QPushButton* m_reset;
  QComboBox* m_axesBox;
  QLineEdit* m_filter;
  std::mt19937 m_rng;

  int m_dimensions = 0;
  Axes m_axes = Axes::Dimensions;
  bool m_axesChosen = false;  // the user picked the axes for this model: keep them
  LatentDirections m_directions;
  std::vector<float> m_home;     // where the sliders start and Reset returns to (homeLatent)
  std::vector<double> m_ranges;  // per dimension (sliderRanges); PCA rows span kRange
  std::vector<QString> m_names;  // of the first dimensions (a guided VAE's attributes)

  BackgroundJob* m_job = nullptr;  // computing m_directions for the current model
  // With PCA axes: the latent last set, exact until a row moves, and the part of it that the
  // axes do not hold (rounding, axes of zero length), kept when a row moves.
  std::vector<float> m_setLatent;
  bool m_setLatentValid = false;
  std::vector<float> m_residual;
};

}  // namespace latentlab::ui
