#pragma once
// Shared by the Qt tests that drive a whole MainWindow: settings kept out of the user's, a window
// whose messages are collected instead of shown, and opening a model until its image is shown.
#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStringList>
#include <QTest>
#include <memory>

#include "ui/window/main_window.h"

namespace latentlab::test {

// Recent files, the dock layout and QStandardPaths go to `folder` and the test's own names.
inline void isolateSettings(const QString& folder, const char* application) {
  QStandardPaths::setTestModeEnabled(true);
  QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, folder + "/settings");
  QCoreApplication::setOrganizationName("LatentLab-test");
  QCoreApplication::setApplicationName(application);
}

// A shown window on the CPU whose error messages are appended to *messages.
inline std::unique_ptr<ui::MainWindow> newTestWindow(QStringList* messages) {
  auto window = std::make_unique<ui::MainWindow>("cpu");
  window->setMessageHandler([messages](const QString&, const QString& text) { *messages << text; });
  window->show();
  return window;
}

// Opens the model and waits until it is in place and its first image is shown.
inline bool openAndWait(ui::MainWindow& window, const QString& path) {
  QSignalSpy changed(&window, &ui::MainWindow::modelChanged);
  window.openCheckpoint(path);
  return changed.wait(20000) &&
         QTest::qWaitFor([&window] { return window.renderSettled(); }, 20000);
}

}  // namespace latentlab::test
