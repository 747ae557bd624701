#include "ui/window/screenshot_hook.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QPixmap>
#include <QSaveFile>
#include <QStringList>
#include <QTimer>
#include <QWidget>

#include "ui/start/process_clock.h"
#include "ui/widgets/image_view.h"
#include "ui/window/latent_host.h"

namespace latentlab::ui {

namespace {

// After the first frame, time for the rest of the window (docks, status bar) to lay out and paint.
constexpr int kSettleMs = 500;

}  // namespace

ScreenshotHook* ScreenshotHook::fromEnvironment(QWidget& window, const ImageView& view,
                                                const LatentHost& host) {
  const QString path = qEnvironmentVariable("LATENTLAB_SCREENSHOT");
  const int limitMs = qEnvironmentVariableIntValue("LATENTLAB_QUIT_AFTER_MS");
  if (limitMs > 0)
    QTimer::singleShot(limitMs, &window, [limitMs] {
      qWarning("latentlab: no image within %d ms, quitting", limitMs);
      QCoreApplication::exit(1);
    });
  if (path.isEmpty()) return nullptr;
  // Where start-up time goes (docs/performance.md): the main window is built before this hook.
  qInfo("latentlab: main window built %.0f ms after the process started", msSinceProcessStart());
  return new ScreenshotHook(path, window, view, host);
}

ScreenshotHook::ScreenshotHook(const QString& path, QWidget& window, const ImageView& view,
                               const LatentHost& host)
    : QObject(&window), m_path(path), m_window(window), m_view(view), m_host(host) {}

void ScreenshotHook::modelLoaded() {
  if (m_modelSeen) return;
  m_modelSeen = true;
  qInfo("latentlab: model loaded %.0f ms after the process started", msSinceProcessStart());
}

void ScreenshotHook::frameShown() {
  if (m_frameSeen) return;
  m_frameSeen = true;
  qInfo("latentlab: first image shown %.0f ms after the process started", msSinceProcessStart());
  // Screenshots of a dock that shares its place with others (e.g. GmmDock beside the map).
  const QString raise = qEnvironmentVariable("LATENTLAB_SCREENSHOT_RAISE");
  if (auto* dock = raise.isEmpty() ? nullptr : m_window.findChild<QDockWidget*>(raise))
    dock->raise();
  QTimer::singleShot(kSettleMs, this, [this] {
    const bool saved = save();
    if (!saved) qWarning("latentlab: could not write the screenshot %s", qPrintable(m_path));
    QCoreApplication::exit(saved ? 0 : 1);
  });
}

bool ScreenshotHook::save() const {
  QImage shot = m_window.grab().toImage();
  const QRect image = m_view.imageRect().translated(m_view.mapTo(&m_window, QPoint(0, 0)));
  shot.setText(QStringLiteral("latentlab.imageRect"), QStringLiteral("%1,%2,%3,%4")
                                                          .arg(image.x())
                                                          .arg(image.y())
                                                          .arg(image.width())
                                                          .arg(image.height()));
  QStringList latent;
  for (float v : m_host.currentLatent()) latent << QString::number(double(v), 'g', 9);
  shot.setText(QStringLiteral("latentlab.latent"), latent.join(QLatin1Char(',')));
  QSaveFile file(m_path);  // atomic: a test never reads half a PNG
  return file.open(QIODevice::WriteOnly) && shot.save(&file, "PNG") && file.commit();
}

}  // namespace latentlab::ui
