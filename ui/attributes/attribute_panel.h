#pragma once
// The Attributes dock: one slider per attribute vector (Smiling, Eyeglasses, Beard, ...), those
// stored in the checkpoint and user-defined ones (e.g. from two selections in the latent map).
// The window renders base latent + sum(amount * applied direction). With "hold other attributes
// fixed" the applied direction is the attribute's own minus its components along all the others
// (conditional editing), so raising Smiling does not also add the Male direction it correlates
// with.
#include <QStringList>
#include <QWidget>
#include <vector>

class QCheckBox;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace latentlab::ui {

class ValueSlider;

class AttributePanel : public QWidget {
  Q_OBJECT

 public:
  static constexpr double kRange = 3.0;

  explicit AttributePanel(QWidget* parent = nullptr);

  // Rebuilds one row per attribute (names[i] moves along directions[i]), all amounts 0.
  void setAttributes(const QStringList& names, const std::vector<std::vector<float>>& directions);
  // Appends a user-defined attribute with amount 0 (emits attributesChanged).
  void addAttribute(const QString& name, const std::vector<float>& direction);
  QStringList attributes() const { return m_names; }
  const std::vector<float>& direction(int index) const { return m_directions.at(size_t(index)); }
  // What one unit of attribute index adds to the latent (see the class comment).
  const std::vector<float>& appliedDirection(int index) const {
    return m_applied.at(size_t(index));
  }
  // latent += sum(amount * applied direction).
  void addTo(std::vector<float>& latent) const;

  bool holdOthersFixed() const;
  void setHoldOthersFixed(bool hold);
  QCheckBox* holdToggle() const { return m_hold; }

  std::vector<float> amounts() const;
  // Programmatic change (undo): emits amountsChanged but not editFinished.
  void setAmounts(const std::vector<float>& amounts);
  ValueSlider* row(int index) const { return m_rows.at(size_t(index)); }

 public slots:
  void reset();

 signals:
  // Every change, live while dragging; also when the applied directions change (hold toggled).
  void amountsChanged(const std::vector<float>& amounts);
  void editFinished();
  void attributesChanged();  // a row was added

 private:
  void addRow(const QString& name, const QString& tip);
  void updateApplied();

  QVBoxLayout* m_rowsLayout;
  QLabel* m_empty;
  QCheckBox* m_hold;
  QPushButton* m_reset;
  QStringList m_names;
  std::vector<std::vector<float>> m_directions;
  std::vector<std::vector<float>> m_applied;
  std::vector<ValueSlider*> m_rows;
};

}  // namespace latentlab::ui
