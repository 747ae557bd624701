#pragma once
// The interpolation panel's settings and buttons: steps and path (linear/spherical), Animate's
// speed and the export enlargement; Render, Animate, Export (a menu of the four formats); the
// progress of the panel's background work with Cancel.
#include <QWidget>

#include "ui/analysis/strip_export.h"

class QComboBox;
class QDoubleSpinBox;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace latentlab::ui {

class InterpolationControls : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kDefaultSteps = 10;
  static constexpr int kMaxSteps = 1000;

  explicit InterpolationControls(QWidget* parent = nullptr);

  int steps() const;
  void setSteps(int steps);
  bool spherical() const;
  void setSpherical(bool spherical);
  double framesPerSecond() const;
  void setFramesPerSecond(double fps);
  int exportScale() const;
  void setExportScale(int scale);

  void setAnimating(bool on);  // the Animate button's state; emits nothing
  void setBusy(bool busy);     // shows the progress bar (a busy indicator) and Cancel
  void setProgress(double fraction);

 signals:
  void pathChanged();  // steps or method
  void framesPerSecondChanged(double fps);
  void renderRequested();
  void animateToggled(bool on);
  void exportRequested(latentlab::ui::StripFormat format);
  void cancelRequested();

 private:
  QSpinBox* m_steps;
  QComboBox* m_method;
  QDoubleSpinBox* m_fps;
  QSpinBox* m_scale;
  QPushButton* m_animate;
  QProgressBar* m_progress;
  QToolButton* m_cancel;
};

}  // namespace latentlab::ui
