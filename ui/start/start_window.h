#pragma once
// The window `latentlab` shows in the first tenth of a second, while LibTorch and the GUI module
// load on another thread (app/gui/main.cpp): the main window's last size and place, the last
// image shown for the checkpoint being opened (start_image_cache.h) or its name, and what it is
// waiting for. The main window replaces it.
#include <QImage>
#include <QString>
#include <QWidget>

namespace latentlab::ui {

class StartWindow : public QWidget {
  Q_OBJECT

 public:
  // checkpoint: the one being opened (may be empty).
  explicit StartWindow(const QString& checkpoint, QWidget* parent = nullptr);

  bool hasStartImage() const { return !m_image.isNull(); }

 signals:
  // Once, after the first paint: glibc holds its loader lock while a library loads and
  // initialises, so the launcher loads LibTorch only when this window no longer needs a plugin.
  void firstPainted();

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QImage m_image;
  QString m_text;
  bool m_smooth = false;
  bool m_painted = false;
};

}  // namespace latentlab::ui
