#pragma once
// The Latent panel's rows: one ValueSlider per latent dimension or principal axis in a vertical
// scroll area, shown in a chosen order (most active first) and filtered by words ("z1 z7").
#include <QScrollArea>
#include <vector>

class QVBoxLayout;

namespace latentlab::ui {

class ValueSlider;

class SliderRows : public QScrollArea {
  Q_OBJECT

 public:
  struct Row {
    QString label;  // "z3", "PC1"
    double range;   // the slider spans [-range, +range]
    QString toolTip;
  };

  // widestLabel: the longest label expected, so the area is wide enough for whole rows from the
  // start (docks are laid out once, at first show, before any model gives rows).
  SliderRows(const QString& widestLabel, double range, QWidget* parent = nullptr);

  // Replaces the rows, all at 0, shown top to bottom in `order` (indices into rows).
  void rebuild(const std::vector<Row>& rows, std::vector<int> order);
  int count() const { return int(m_rows.size()); }
  ValueSlider* row(int index) const { return m_rows.at(size_t(index)); }
  const std::vector<int>& order() const { return m_order; }

  std::vector<double> values() const;
  void setValues(const std::vector<double>& values);  // emits nothing; missing values are 0

  // Shows only the rows whose label contains one of the words (space or comma separated).
  void setFilter(const QString& text);

 signals:
  void valueChanged();  // a row moved by the user, live while dragging
  void editFinished();  // one undoable edit of a row is complete

 private:
  void applyFilter();

  QWidget* m_content;
  QVBoxLayout* m_layout;
  std::vector<ValueSlider*> m_rows;
  std::vector<int> m_order;
  QString m_filter;
  int m_labelWidth = 0;  // of widestLabel, which the minimum width m_baseWidth allows for
  int m_baseWidth = 0;
};

}  // namespace latentlab::ui
