#include "ui/interpolation/strip_animator.h"

#include <QTimer>

namespace latentlab::ui {

namespace {
int intervalMs(double framesPerSecond) { return int(1000 / framesPerSecond); }
}  // namespace

StripAnimator::StripAnimator(QObject* parent) : QObject(parent), m_timer(new QTimer(this)) {
  connect(m_timer, &QTimer::timeout, this, &StripAnimator::tick);
}

void StripAnimator::start(double framesPerSecond) {
  m_step = 0;
  m_timer->start(intervalMs(framesPerSecond));
}

void StripAnimator::stop() { m_timer->stop(); }

bool StripAnimator::isRunning() const { return m_timer->isActive(); }

void StripAnimator::setFramesPerSecond(double framesPerSecond) {
  m_timer->setInterval(intervalMs(framesPerSecond));
}

int StripAnimator::nextFrame(int frames) {
  const int period = 2 * (frames - 1);
  m_step %= period;
  const int index = m_step < frames ? m_step : period - m_step;
  ++m_step;
  return index;
}

}  // namespace latentlab::ui
