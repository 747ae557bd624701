#include "ui/start/start_window.h"

#include <QFileInfo>
#include <QPaintEvent>
#include <QPainter>
#include <QSettings>

#include "ui/start/image_fit.h"
#include "ui/start/process_clock.h"
#include "ui/start/start_image_cache.h"
#include "ui/start/window_settings.h"

namespace latentlab::ui {

namespace {

constexpr int kMargin = 12;           // as the main view's
constexpr int kTextHeight = 28;       // the status line at the bottom
const QSize kDefaultSize(1200, 760);  // the main window's first size

}  // namespace

StartWindow::StartWindow(const QString& checkpoint, QWidget* parent)
    : QWidget(parent), m_image(loadStartImage(checkpoint)) {
  setWindowTitle(QStringLiteral("LatentLab"));
  QSettings settings;
  m_smooth = settings.value(kSmoothScalingKey, false).toBool();
  if (!restoreGeometry(settings.value(kWindowGeometryKey).toByteArray())) resize(kDefaultSize);
  m_text = checkpoint.isEmpty() ? tr("Starting…")
                                : tr("Opening %1…").arg(QFileInfo(checkpoint).completeBaseName());
}

void StartWindow::paintEvent(QPaintEvent* event) {
  QPainter painter(this);
  painter.fillRect(event->rect(), palette().color(QPalette::Window));
  const QRect view = rect().adjusted(0, 0, 0, -kTextHeight);
  painter.fillRect(view, palette().color(QPalette::Dark));
  if (!m_image.isNull()) {
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_smooth);
    painter.drawImage(fitRect(m_image.size(), view.adjusted(kMargin, kMargin, -kMargin, -kMargin)),
                      m_image);
  }
  painter.setPen(palette().color(QPalette::WindowText));
  painter.drawText(rect().adjusted(kMargin, view.height(), -kMargin, 0),
                   Qt::AlignVCenter | Qt::AlignLeft, m_text);
  if (m_painted) return;
  m_painted = true;
  emit firstPainted();
  // Start-up timing for tests and benchmarks (docs/performance.md), as ScreenshotHook's lines.
  if (qEnvironmentVariableIsSet("LATENTLAB_SCREENSHOT") ||
      qEnvironmentVariableIsSet("LATENTLAB_QUIT_AFTER_MS"))
    qInfo("latentlab: start window shown %.0f ms after the process started%s",
          msSinceProcessStart(), m_image.isNull() ? "" : " with the last image");
}

}  // namespace latentlab::ui
