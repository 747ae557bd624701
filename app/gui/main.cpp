// latentlab: the explorer GUI. `latentlab [--device D] [CHECKPOINT]`; without a checkpoint it
// opens the bundled default model when one exists.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>

#include "core/model/device.h"
#include "ui/window/main_window.h"
#include "ui/window/screenshot_hook.h"
#include "ui/window/session_keeper.h"

namespace {

// The bundled models in preference order (the faces model shows the most), looked for where
// `cmake --install` puts them relative to this binary (LATENTLAB_MODELS_FROM_BIN,
// "../share/latentlab/models"). The build tree has the same layout: build/share/latentlab/models
// links to the source tree's models/.
QString defaultModel() {
  const QDir dir(QCoreApplication::applicationDirPath() +
                 QStringLiteral("/" LATENTLAB_MODELS_FROM_BIN));
  for (const char* name : {"faces-vae.llckpt", "fashion-vae.llckpt"}) {
    const QFileInfo file(dir, QString::fromLatin1(name));
    if (file.isFile()) return file.absoluteFilePath();
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  latentlab::tune_allocator();  // before Qt and LibTorch start their threads
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("LatentLab"));
  QApplication::setApplicationName(QStringLiteral("latentlab"));
  QApplication::setApplicationVersion(QStringLiteral(LATENTLAB_VERSION));
  // Ties the windows to the installed desktop entry (LATENTLAB_APP_ID.desktop): its name and icon
  // in task bars, Wayland's app id.
  QGuiApplication::setDesktopFileName(QStringLiteral(LATENTLAB_APP_ID));
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/latentlab.svg")));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Explore the latent space of a VAE or GAN."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption device(QStringLiteral("device"),
                                  QStringLiteral("Where models run: auto, cpu, cuda or cuda:N."),
                                  QStringLiteral("device"), QStringLiteral("auto"));
  parser.addOption(device);
  parser.addPositionalArgument(QStringLiteral("checkpoint"),
                               QStringLiteral("A .llckpt checkpoint or TorchScript .pt file."),
                               QStringLiteral("[checkpoint]"));
  parser.process(app);

  latentlab::configure_threads();
  latentlab::ui::MainWindow window(parser.value(device));
  window.show();
  // Only with LATENTLAB_SCREENSHOT or LATENTLAB_QUIT_AFTER_MS (tests, benchmarks).
  using latentlab::ui::ScreenshotHook;
  if (auto* hook = ScreenshotHook::fromEnvironment(window, *window.imageView(), window)) {
    QObject::connect(&window, &latentlab::ui::MainWindow::modelChanged, hook,
                     &ScreenshotHook::modelLoaded);
    QObject::connect(&window, &latentlab::ui::MainWindow::frameShown, hook,
                     &ScreenshotHook::frameShown);
  }
  const QStringList args = parser.positionalArguments();
  const QString path = args.isEmpty() ? defaultModel() : args.first();
  // An autosave left by a run that crashed is offered first; restoring it opens its model.
  const bool restoring = window.sessions()->startAutosave();
  if (!restoring && !path.isEmpty()) window.openCheckpoint(path);
  return app.exec();
}
