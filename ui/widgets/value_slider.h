#pragma once
// One labelled slider with a spin box and a reset button: a row of the latent and attribute
// panels. The slider moves in steps of 0.01 over [-range, +range]; the value itself may lie
// outside (a latent encoded from an image), the controls then show it clamped.
#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QSlider;
class QToolButton;

namespace latentlab::ui {

class ValueSlider : public QWidget {
  Q_OBJECT

 public:
  ValueSlider(const QString& label, double range, QWidget* parent = nullptr);

  QString label() const;
  double range() const { return m_range; }  // the slider spans [-range, +range]
  // Rows of one panel line their sliders up: each row's label gets the widest label's width.
  int labelWidthHint() const;
  void setLabelWidth(int pixels);
  double value() const { return m_value; }
  // Programmatic change (undo, randomise, a loaded latent): emits nothing.
  void setValue(double value);

  QSlider* slider() const { return m_slider; }
  QDoubleSpinBox* spinBox() const { return m_spin; }
  QToolButton* resetButton() const { return m_reset; }

 signals:
  // Every change the user makes, live while a slider is dragged.
  void valueChanged(double value);
  // The end of one undoable edit: the slider released, a key or wheel step, a typed value, reset.
  void editFinished();

 private:
  void showValue();
  void setFromUser(double value, bool finished);

  QLabel* m_label;
  QSlider* m_slider;
  QDoubleSpinBox* m_spin;
  QToolButton* m_reset;
  double m_range;
  double m_value = 0.0;
};

}  // namespace latentlab::ui
