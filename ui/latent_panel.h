#pragma once
// The Latent dock: one slider per latent dimension in a scroll area, Randomise (from the
// N(0, I) prior, truncated) and Reset. The image follows the sliders live while dragging.
#include <QWidget>
#include <random>
#include <vector>

class QDoubleSpinBox;
class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace latentlab::ui {

class ValueSlider;

class LatentPanel : public QWidget {
  Q_OBJECT

 public:
  static constexpr double kRange = 3.0;  // sliders span [-3, +3], 3 prior standard deviations

  explicit LatentPanel(QWidget* parent = nullptr);

  // Rebuilds the rows for a model with `count` dimensions, all at 0.
  void setDimensions(int count);
  int dimensions() const { return int(m_rows.size()); }

  std::vector<float> values() const;
  // Programmatic change (undo, a loaded latent): emits latentChanged but not editFinished.
  void setValues(const std::vector<float>& values);

  double truncation() const;
  void setTruncation(double threshold);
  void setSeed(unsigned seed) { m_rng.seed(seed); }
  ValueSlider* row(int index) const { return m_rows.at(size_t(index)); }

 public slots:
  // Each value drawn from N(0, 1), redrawn while |z| > truncation (the truncation trick).
  void randomise();
  void reset();

 signals:
  void latentChanged();  // every change, live while dragging
  void editFinished();   // one undoable edit is complete

 private:
  QVBoxLayout* m_rowsLayout;
  QWidget* m_rowsWidget;
  QScrollArea* m_scroll;
  QDoubleSpinBox* m_truncation;
  QPushButton* m_randomise;
  QPushButton* m_reset;
  std::vector<ValueSlider*> m_rows;
  std::mt19937 m_rng;
};

}  // namespace latentlab::ui
