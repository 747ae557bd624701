// latentlab: the explorer GUI. `latentlab [--device D] [CHECKPOINT]`; without a checkpoint it
// opens the bundled default model when one exists.
//
// This binary links Qt alone. LibTorch's ~300 shared libraries take half a second to load and
// initialise, so the main window and everything under it live in the GUI module (latentlab-gui.so,
// gui_module.cpp), loaded on a second thread while a start window shows the last image of the
// checkpoint being opened (ui/start/start_window.h).
#include <dlfcn.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>
#include <QtConcurrent>
#include <memory>
#include <utility>

#include "core/common/allocator_tuning.h"
#include "ui/start/gui_entry.h"
#include "ui/start/start_window.h"

namespace {

// The longest the launcher waits for its start window to be painted before it loads the module.
constexpr int kLoadDelayMs = 300;

// Paths relative to this binary where `cmake --install` puts things; the build tree has the
// same layout (build/share/latentlab/models links to the source tree's models/).
QString fromBinary(const char* relative) {
  return QCoreApplication::applicationDirPath() + QLatin1Char('/') + QLatin1String(relative);
}

// The bundled models in preference order (the faces model shows the most).
QString defaultModel() {
  const QDir dir(fromBinary(LATENTLAB_MODELS_FROM_BIN));
  for (const char* name : {"faces-vae.llckpt", "fashion-vae.llckpt"}) {
    const QFileInfo file(dir, QString::fromLatin1(name));
    if (file.isFile()) return file.absoluteFilePath();
  }
  return {};
}

// The module's entry point, or why there is none.
struct Entry {
  latentlab::ui::GuiEntry create = nullptr;
  QString error;
};

Entry loadModule(const QString& path) {
  // Never closed: LibTorch does not unload cleanly, and the process ends with the window.
  void* handle = dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return {nullptr, QString::fromLocal8Bit(dlerror())};
  void* symbol = dlsym(handle, latentlab::ui::kGuiEntrySymbol);
  if (!symbol) return {nullptr, QString::fromLocal8Bit(dlerror())};
  return {reinterpret_cast<latentlab::ui::GuiEntry>(symbol), {}};
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
  const QStringList args = parser.positionalArguments();
  const QString checkpoint = args.isEmpty() ? defaultModel() : args.first();

  std::unique_ptr<QWidget> window;
  QFutureWatcher<Entry> module;
  latentlab::ui::StartWindow start(checkpoint);
  QObject::connect(&module, &QFutureWatcher<Entry>::finished, &start, [&] {
    const Entry entry = module.result();
    if (entry.create) window.reset(entry.create({parser.value(device), checkpoint, &start}));
    if (window) return;
    const QString message = entry.error.isEmpty()
                                ? QStringLiteral("The main window could not be built.")
                                : QStringLiteral("Cannot load the GUI module: %1").arg(entry.error);
    qCritical("latentlab: %s", qPrintable(message));
    QMessageBox::critical(&start, QStringLiteral("LatentLab cannot start"), message);
    QCoreApplication::exit(1);
  });
  // Loading starts once the start window is on screen, or after kLoadDelayMs where it is never
  // painted: Qt's own plugins (platform, icons) load first, or they would wait for LibTorch.
  bool loading = false;
  auto startLoading = [&] {
    if (std::exchange(loading, true)) return;
    module.setFuture(QtConcurrent::run(loadModule, fromBinary(LATENTLAB_GUI_MODULE_FROM_BIN)));
  };
  QObject::connect(&start, &latentlab::ui::StartWindow::firstPainted, &start, startLoading);
  QTimer::singleShot(kLoadDelayMs, &start, startLoading);
  start.show();
  const int code = QApplication::exec();
  window.reset();  // its render thread stops here, while Qt and LibTorch are still up
  return code;
}
