#include "ui/screenshot_hook.h"

#include <QCoreApplication>
#include <QPixmap>
#include <QSaveFile>
#include <QTimer>

#include "ui/image_view.h"
#include "ui/main_window.h"

namespace latentlab::ui {

namespace {

// After the first frame, time for the rest of the window (docks, status bar) to lay out and paint.
constexpr int kSettleMs = 500;

bool saveScreenshot(MainWindow& window, const QString& path) {
  QImage shot = window.grab().toImage();
  const ImageView* view = window.imageView();
  const QRect image = view->imageRect().translated(view->mapTo(&window, QPoint(0, 0)));
  shot.setText(QStringLiteral("latentlab.imageRect"),
               QStringLiteral("%1,%2,%3,%4").arg(image.x()).arg(image.y()).arg(image.width()).arg(image.height()));
  QSaveFile file(path);  // atomic: a test never reads half a PNG
  return file.open(QIODevice::WriteOnly) && shot.save(&file, "PNG") && file.commit();
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
  QObject::connect(
      &window, &MainWindow::frameShown, &window,
      [&window, path] {
        QTimer::singleShot(kSettleMs, &window, [&window, path] {
          const bool saved = saveScreenshot(window, path);
          if (!saved) qWarning("latentlab: could not write the screenshot %s", qPrintable(path));
          QCoreApplication::exit(saved ? 0 : 1);
        });
      },
      Qt::SingleShotConnection);
}

}  // namespace latentlab::ui
