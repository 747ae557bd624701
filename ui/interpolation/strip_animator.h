#pragma once
// The clock of Animate: ticks at the chosen frame rate and walks a strip of N frames back and
// forth, 0, 1, ..., N-1, N-2, ..., 1, 0, 1, ... The panel shows each frame it names.
#include <QObject>

class QTimer;

namespace latentlab::ui {

class StripAnimator : public QObject {
  Q_OBJECT

 public:
  explicit StripAnimator(QObject* parent = nullptr);

  // Starts from frame 0, ticking framesPerSecond times a second.
  void start(double framesPerSecond);
  void stop();
  bool isRunning() const;
  void setFramesPerSecond(double framesPerSecond);  // takes effect at the next tick

  // The next frame of a strip of `frames` frames (at least 2), and one step further.
  int nextFrame(int frames);

 signals:
  void tick();

 private:
  QTimer* m_timer;
  int m_step = 0;  // position along the back-and-forth path: 0 .. 2 (N - 1) - 1
};

}  // namespace latentlab::ui
