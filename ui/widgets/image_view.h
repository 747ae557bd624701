#pragma once
// The centre of the window: the decoded image scaled to fit, crisp (nearest neighbour) by
// default so single pixels of a 28x28 or 64x64 model stay visible, or smooth. With an original
// set (the latent came from an image) the original is drawn beside the reconstruction.
#include <QImage>
#include <QWidget>

namespace latentlab::ui {

class ImageView : public QWidget {
  Q_OBJECT

 public:
  explicit ImageView(QWidget* parent = nullptr);

  QImage image() const { return m_image; }
  QImage original() const { return m_original; }  // null unless the latent came from an image
  bool smoothScaling() const { return m_smooth; }
  QString message() const { return m_message; }
  // Where the decoded image is drawn, in this widget's coordinates; empty while none is shown.
  QRect imageRect() const;

 public slots:
  void setImage(const QImage& image);
  void setOriginal(const QImage& original);  // a null image removes it
  void setSmoothScaling(bool smooth);
  // Shown instead of an image, e.g. while no model is loaded. An empty text shows the image.
  void setMessage(const QString& text);

 signals:
  void smoothScalingChanged(bool smooth);

 protected:
  void paintEvent(QPaintEvent* event) override;
  QSize sizeHint() const override { return {512, 512}; }
  // The image is what the window is for: docks give way before it drops below this.
  QSize minimumSizeHint() const override { return {256, 256}; }

 private:
  QRect area(bool original) const;  // what the decoded image (or the original) is fitted into

  QImage m_image;
  QImage m_original;
  QString m_message;
  bool m_smooth = false;
};

}  // namespace latentlab::ui
