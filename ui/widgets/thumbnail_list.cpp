#include "ui/widgets/thumbnail_list.h"

#include <QPixmap>
#include <QScrollBar>

namespace latentlab::ui {

namespace {
constexpr int kCaptionHeight = 34;  // two short lines under each image
constexpr int kSpacing = 4;
}  // namespace

ThumbnailList::ThumbnailList(int iconSize, bool wrap, QWidget* parent) : QListWidget(parent) {
  setViewMode(QListView::IconMode);
  setFlow(QListView::LeftToRight);
  setWrapping(wrap);
  setResizeMode(QListView::Adjust);
  setMovement(QListView::Static);
  setSelectionMode(QAbstractItemView::SingleSelection);
  setIconSize({iconSize, iconSize});
  setGridSize({iconSize + 2 * kSpacing + 12, iconSize + kCaptionHeight});
  setSpacing(kSpacing);
  setUniformItemSizes(true);
  setWordWrap(true);
  if (!wrap) {
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFixedHeight(iconSize + kCaptionHeight + 2 * kSpacing +
                   horizontalScrollBar()->sizeHint().height());
  }
  connect(this, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { emit thumbnailActivated(row(item)); });
}

void ThumbnailList::setItems(const QVector<Item>& items) {
  clear();
  const QSize shown = iconSize();
  for (const Item& it : items) {
    const QPixmap pixmap =
        QPixmap::fromImage(it.image.scaled(shown, Qt::KeepAspectRatio, Qt::FastTransformation));
    auto* item = new QListWidgetItem(QIcon(pixmap), it.caption, this);
    item->setToolTip(it.toolTip);
    item->setData(Qt::UserRole, it.image);
    item->setTextAlignment(Qt::AlignHCenter | Qt::AlignTop);
  }
}

QImage ThumbnailList::image(int index) const {
  const QListWidgetItem* it = item(index);
  return it ? it->data(Qt::UserRole).value<QImage>() : QImage();
}

}  // namespace latentlab::ui
