#pragma once
// The rendered interpolation strip: every frame crisp and as large as the widget allows (one
// row when they fit, else wrapped), the current frame outlined. Clicking a frame emits
// frameClicked so the panel can load its latent.
#include <QImage>
#include <QWidget>
#include <vector>

namespace latentlab::ui {

class StripView : public QWidget {
  Q_OBJECT

 public:
  explicit StripView(QWidget* parent = nullptr);

  void setFrames(std::vector<QImage> frames);  // replaces the strip; no frame is current
  int count() const { return int(m_frames.size()); }
  const QImage& frame(int index) const { return m_frames.at(size_t(index)); }

  int current() const { return m_current; }
  void setCurrent(int index);  // -1: none

  // Shown instead of the frames (e.g. "set both endpoints"); empty to show the frames.
  void setMessage(const QString& text);
  QString message() const { return m_message; }

  // Where frame `index` is drawn, in widget coordinates (empty if it is not shown).
  QRect frameRect(int index) const;

 signals:
  void frameClicked(int index);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  QSize sizeHint() const override { return {640, 112}; }
  QSize minimumSizeHint() const override { return {160, 64}; }

 private:
  // Cells of the grid that fits the widget: the column count giving the largest frames.
  QRect cellRect(int index) const;
  int columns() const;

  std::vector<QImage> m_frames;
  QString m_message;
  int m_current = -1;
};

}  // namespace latentlab::ui
