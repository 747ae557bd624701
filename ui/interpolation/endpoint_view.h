#pragma once
// One endpoint of the interpolation panel: the decoded endpoint as a crisp thumbnail with a
// caption saying where it came from. A file dropped onto it (an image to encode, a latent file)
// goes to its column.
#include <QFrame>
#include <QImage>

namespace latentlab::ui {

class EndpointView : public QFrame {
  Q_OBJECT

 public:
  explicit EndpointView(const QString& title, QWidget* parent = nullptr);

  QImage thumbnail() const { return m_thumbnail; }
  QString caption() const { return m_caption; }

  // A null image shows the placeholder ("drop an image here").
  void setThumbnail(const QImage& image, const QString& caption);
  // Shown over the thumbnail while it is being computed; empty to clear.
  void setBusyText(const QString& text);

 signals:
  void fileDropped(const QString& path);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  QSize sizeHint() const override { return {112, 112}; }
  QSize minimumSizeHint() const override { return {72, 72}; }

 private:
  QString m_title;
  QString m_caption;
  QString m_busy;
  QImage m_thumbnail;
};

}  // namespace latentlab::ui
