#pragma once
// The Attributes dock: one slider per attribute vector stored in the checkpoint (Smiling,
// Eyeglasses, Beard, ...). The window renders base latent + sum(amount * vector).
#include <QStringList>
#include <QWidget>
#include <vector>

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

  // Rebuilds one row per name, all amounts 0.
  void setAttributes(const QStringList& names);
  QStringList attributes() const { return m_names; }

  std::vector<float> amounts() const;
  // Programmatic change (undo): emits amountsChanged but not editFinished.
  void setAmounts(const std::vector<float>& amounts);
  ValueSlider* row(int index) const { return m_rows.at(size_t(index)); }

 public slots:
  void reset();

 signals:
  void amountsChanged();
  void editFinished();

 private:
  QVBoxLayout* m_rowsLayout;
  QLabel* m_empty;
  QPushButton* m_reset;
  QStringList m_names;
  std::vector<ValueSlider*> m_rows;
};

}  // namespace latentlab::ui
