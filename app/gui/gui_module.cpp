// The GUI module, latentlab-gui.so: the main window and everything under it (core, LibTorch,
// OpenCV, QCustomPlot), loaded by the `latentlab` launcher (main.cpp) on a second thread while its
// start window shows.
#include <QWidget>
#include <exception>
#include <memory>

#include "core/model/device.h"
#include "ui/start/gui_entry.h"
#include "ui/window/main_window.h"
#include "ui/window/screenshot_hook.h"
#include "ui/window/session_keeper.h"

using latentlab::ui::GuiStart;
using latentlab::ui::MainWindow;
using latentlab::ui::ScreenshotHook;

extern "C" Q_DECL_EXPORT QWidget* latentlab_gui_create_window(const GuiStart& start) {
  try {
    latentlab::configure_threads();
    auto window = std::make_unique<MainWindow>(start.device);
    window->show();
    if (start.startWindow) start.startWindow->close();
    // Only with LATENTLAB_SCREENSHOT or LATENTLAB_QUIT_AFTER_MS (tests, benchmarks).
    if (auto* hook = ScreenshotHook::fromEnvironment(*window, *window->imageView(), *window)) {
      QObject::connect(window.get(), &MainWindow::modelChanged, hook, &ScreenshotHook::modelLoaded);
      QObject::connect(window.get(), &MainWindow::frameShown, hook, &ScreenshotHook::frameShown);
    }
    // An autosave left by a run that crashed is offered first; restoring it opens its model.
    const bool restoring = window->sessions()->startAutosave();
    if (!restoring && !start.checkpoint.isEmpty()) window->openCheckpoint(start.checkpoint);
    return window.release();
  } catch (const std::exception& error) {
    qCritical("latentlab: cannot build the main window: %s", error.what());
    return nullptr;
  }
}
