#include "ui/window/screenshot_hook.h"

#include <unistd.h>

#include <QCoreApplication>
#include <QPixmap>
#include <QSaveFile>
#include <QStringList>
#include <QTimer>
#include <fstream>
#include <sstream>
#include <string>

#include "ui/widgets/image_view.h"
#include "ui/window/main_window.h"

namespace latentlab::ui {

namespace {

// After the first frame, time for the rest of the window (docks, status bar) to lay out and paint.
constexpr int kSettleMs = 500;

bool saveScreenshot(MainWindow& window, const QString& path) {
  QImage shot = window.grab().toImage();
  const ImageView* view = window.imageView();
  const QRect image = view->imageRect().translated(view->mapTo(&window, QPoint(0, 0)));
  shot.setText(QStringLiteral("latentlab.imageRect"), QStringLiteral("%1,%2,%3,%4")
                                                          .arg(image.x())
                                                          .arg(image.y())
                                                          .arg(image.width())
                                                          .arg(image.height()));
  QStringList latent;
  for (float v : window.currentLatent()) latent << QString::number(double(v), 'g', 9);
  shot.setText(QStringLiteral("latentlab.latent"), latent.join(QLatin1Char(',')));
  QSaveFile file(path);  // atomic: a test never reads half a PNG
  return file.open(QIODevice::WriteOnly) && shot.save(&file, "PNG") && file.commit();
}

// Milliseconds since this process started, from its start time in /proc (10 ms resolution), so
// that the loading of LibTorch's shared libraries before main() counts too.
double msSinceProcessStart() {
  std::string stat;
  std::getline(std::ifstream("/proc/self/stat"), stat);
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // field 3 onwards
  std::string skipped;
  for (int field = 3; field < 22; ++field) fields >> skipped;
  unsigned long long startTicks = 0;
  fields >> startTicks;
  double uptimeSeconds = 0.0;
  std::ifstream("/proc/uptime") >> uptimeSeconds;
  return uptimeSeconds * 1000.0 - double(startTicks) * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

}  // namespace

void installScreenshotHook(MainWindow& window) {
  const QString path = qEnvironmentVariable("LATENTLAB_SCREENSHOT");
  const int limitMs = qEnvironmentVariableIntValue("LATENTLAB_QUIT_AFTER_MS");
  if (limitMs > 0)
    QTimer::singleShot(limitMs, &window, [limitMs] {
      qWarning("latentlab: no image within %d ms, quitting", limitMs);
      QCoreApplication::exit(1);
    });
  if (path.isEmpty()) return;
  // Where start-up time goes (docs/performance.md): the window is built before this hook.
  qInfo("latentlab: window built %.0f ms after the process started", msSinceProcessStart());
  QObject::connect(
      &window, &MainWindow::modelChanged, &window,
      [] {
        qInfo("latentlab: model loaded %.0f ms after the process started", msSinceProcessStart());
      },
      Qt::SingleShotConnection);
  QObject::connect(
      &window, &MainWindow::frameShown, &window,
      [&window, path] {
        qInfo("latentlab: first image shown %.0f ms after the process started",
              msSinceProcessStart());
        QTimer::singleShot(kSettleMs, &window, [&window, path] {
          const bool saved = saveScreenshot(window, path);
          if (!saved) qWarning("latentlab: could not write the screenshot %s", qPrintable(path));
          QCoreApplication::exit(saved ? 0 : 1);
        });
      },
      Qt::SingleShotConnection);
}

}  // namespace latentlab::ui
