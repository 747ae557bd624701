#pragma once
// A row or grid of small images with captions (the nearest data set images, the GMM components'
// decoded means). Images are enlarged with nearest-neighbour scaling, so single pixels of a 28x28
// image stay crisp; clicking one emits thumbnailActivated.
#include <QImage>
#include <QListWidget>
#include <QVector>

namespace latentlab::ui {

class ThumbnailList : public QListWidget {
  Q_OBJECT

 public:
  struct Item {
    QImage image;
    QString caption;
    QString toolTip;
  };

  // iconSize: the shown edge in pixels; wrap: a grid (true) or one scrolling row (false).
  explicit ThumbnailList(int iconSize, bool wrap, QWidget* parent = nullptr);

  void setItems(const QVector<Item>& items);
  QImage image(int index) const;  // as given, before scaling

 signals:
  void thumbnailActivated(int index);
};

}  // namespace latentlab::ui
