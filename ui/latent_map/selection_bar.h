#pragma once
// The Latent map's selection row: Select (dragging draws a rectangle instead of panning), what is
// selected, the selection's mean as interpolation endpoint A or B, and two kept selections (With,
// Without) that become a user-defined attribute, mean(With) - mean(Without).
#include <QWidget>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;

namespace latentlab::ui {

class SelectionBar : public QWidget {
  Q_OBJECT

 public:
  explicit SelectionBar(QWidget* parent = nullptr);

  const std::vector<int>& selection() const { return m_selection; }
  void setSelection(std::vector<int> indices);  // a new rectangle's points
  void clear();                                 // new points: no selection, nothing kept

 signals:
  void selectModeToggled(bool on);
  void endpointRequested(int endpoint, const std::vector<int>& indices);  // 0: A, 1: B
  // name: typed, or "Selection N".
  void attributeRequested(const QString& name, const std::vector<int>& with,
                          const std::vector<int>& without);

 private:
  void updateButtons();
  void requestAttribute();

  std::vector<int> m_selection, m_with, m_without;
  int m_attributeCount = 0;
  QToolButton* m_select;
  QLabel* m_label;
  QPushButton* m_endpointA;
  QPushButton* m_endpointB;
  QPushButton* m_setWith;
  QPushButton* m_setWithout;
  QLineEdit* m_attributeName;
  QPushButton* m_newAttribute;
};

}  // namespace latentlab::ui
