// MainWindow's menus, recent files, drag and drop (and the latent files it opens), saved layout
// and About box.
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>

#include "core/common/error.h"
#include "ui/analysis/latent_batch.h"
#include "ui/interpolation/interpolation_dock.h"
#include "ui/latent/latent_panel.h"
#include "ui/start/window_settings.h"
#include "ui/widgets/image_view.h"
#include "ui/window/analysis_docks.h"
#include "ui/window/dropped_file.h"
#include "ui/window/image_file_actions.h"
#include "ui/window/main_window.h"
#include "ui/window/session_keeper.h"
#include "ui/window/versions.h"

namespace latentlab::ui {

namespace {

constexpr int kMaxRecentFiles = 8;
const char* const kRecentKey = "recentFiles";
const char* const kStateKey = "window/state";

}  // namespace

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Checkpoint…"), this, &MainWindow::chooseCheckpoint);
  open->setShortcut(QKeySequence::Open);
  open->setStatusTip(tr("Open a LatentLab checkpoint or a TorchScript module"));
  m_recentMenu = file->addMenu(tr("Open &Recent"));
  connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
  file->addSeparator();
  m_imageFiles->addActions(file);
  file->addSeparator();
  m_sessions->addActions(file);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = m_undo->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = m_undo->createRedoAction(this, tr("&Redo"));
  redo->setShortcuts({QKeySequence::Redo, QKeySequence(tr("Ctrl+Y"))});
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  QAction* copy = edit->addAction(tr("&Copy Image"), this, &MainWindow::copyImage);
  copy->setShortcut(QKeySequence::Copy);

  QMenu* latent = menuBar()->addMenu(tr("&Latent"));
  QAction* randomise = latent->addAction(tr("&Randomise"), m_latent, &LatentPanel::randomise);
  randomise->setShortcut(QKeySequence(tr("Ctrl+R")));
  QAction* reset = latent->addAction(tr("Re&set"), m_latent, &LatentPanel::reset);
  reset->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));

  createModelMenu();

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QAction* smooth = view->addAction(tr("&Smooth Scaling"));
  smooth->setCheckable(true);
  smooth->setShortcut(QKeySequence(tr("Ctrl+Shift+M")));
  smooth->setStatusTip(tr("Interpolate pixels when enlarging instead of showing them crisp"));
  smooth->setChecked(QSettings().value(kSmoothScalingKey, false).toBool());
  m_view->setSmoothScaling(smooth->isChecked());
  connect(smooth, &QAction::toggled, m_view, &ImageView::setSmoothScaling);
  connect(m_view, &ImageView::smoothScalingChanged, smooth, &QAction::setChecked);  // a session
  view->addSeparator();
  QAction* showLatent = m_latentDock->toggleViewAction();
  showLatent->setShortcut(QKeySequence(tr("Ctrl+1")));
  view->addAction(showLatent);
  QAction* showAttributes = m_attributeDock->toggleViewAction();
  showAttributes->setShortcut(QKeySequence(tr("Ctrl+2")));
  view->addAction(showAttributes);
  const QList<QAction*> analysis = m_analysisDocks->viewActions();
  analysis[0]->setShortcut(QKeySequence(tr("Ctrl+5")));
  analysis[1]->setShortcut(QKeySequence(tr("Ctrl+6")));
  view->addActions(analysis);
  QAction* showInterpolation = m_interpolationDock->toggleViewAction();
  showInterpolation->setShortcut(QKeySequence(tr("Ctrl+4")));
  view->addAction(showInterpolation);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* about = help->addAction(tr("&About LatentLab"), this, &MainWindow::showAbout);
  about->setShortcut(QKeySequence::HelpContents);
}

void MainWindow::fillRecentMenu() {
  m_recentMenu->clear();
  const QStringList files = QSettings().value(kRecentKey).toStringList();
  for (int i = 0; i < files.size(); ++i) {
    const QString& path = files[i];
    QAction* action =
        m_recentMenu->addAction(QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()),
                                this, [this, path] { openCheckpoint(path); });
    action->setStatusTip(path);
  }
  if (files.isEmpty()) m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
}

void MainWindow::addRecentFile(const QString& path) {
  QSettings settings;
  QStringList files = settings.value(kRecentKey).toStringList();
  const QString absolute = QFileInfo(path).absoluteFilePath();
  files.removeAll(absolute);
  files.prepend(absolute);
  while (files.size() > kMaxRecentFiles) files.removeLast();
  settings.setValue(kRecentKey, files);
}

void MainWindow::chooseCheckpoint() {
  const QString dir = m_model.isValid() ? QFileInfo(m_model.path).absolutePath() : QString();
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open Checkpoint"), dir,
      tr("Models (*.llckpt *.pt *.pth *.ts);;LatentLab checkpoints (*.llckpt);;"
         "TorchScript modules (*.pt *.pth *.ts);;All files (*)"));
  if (!path.isEmpty()) openCheckpoint(path);
}

void MainWindow::copyImage() {
  if (m_view->image().isNull()) return;
  QApplication::clipboard()->setImage(m_view->image());
  statusBar()->showMessage(tr("Image copied"), 3000);
}

void MainWindow::showAbout() {
  const QString device = m_model.isValid() ? m_model.device : m_device;
  QMessageBox::about(
      this, tr("About LatentLab"),
      tr("<h3>LatentLab %1</h3><p>Explore the latent spaces of generative image models: VAEs, "
         "GANs and Gaussian mixtures in latent space.</p><p>%2</p>")
          .arg(QApplication::applicationVersion(), libraryVersions(device).toHtmlEscaped().replace(
                                                       QLatin1Char('\n'), QStringLiteral("<br>"))));
}

void MainWindow::restoreLayout() {
  QSettings settings;
  restoreGeometry(settings.value(kWindowGeometryKey).toByteArray());
  restoreState(settings.value(kStateKey).toByteArray());
}

void MainWindow::saveLayout() {
  QSettings settings;
  settings.setValue(kWindowGeometryKey, saveGeometry());
  settings.setValue(kStateKey, saveState());
  settings.setValue(kSmoothScalingKey, m_view->smoothScaling());
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveLayout();
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!droppedLocalFile(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString path = droppedLocalFile(event->mimeData());
  if (path.isEmpty()) return;
  event->acceptProposedAction();
  openFile(path);
}

void MainWindow::openFile(const QString& path) {
  switch (droppedFileKind(path)) {
    case DroppedKind::Image:
      m_imageFiles->openImage(path);
      break;
    case DroppedKind::Latent:
      openLatentFile(path);
      break;
    case DroppedKind::Session:
      m_sessions->openSession(path);
      break;
    case DroppedKind::Model:
      openCheckpoint(path);
      break;
  }
}

void MainWindow::openLatentFile(const QString& path) {
  const QString title = tr("Could not open the latent file");
  if (!m_model.isValid()) {
    m_showMessage(title, tr("Open a model first: %1 holds latents for one.").arg(path));
    return;
  }
  std::vector<std::vector<float>> latents;
  try {
    // Latent files are small: read on the UI thread, like a session.
    latents = readLatentFile(path, m_model.latentDim);
  } catch (const Error& e) {
    m_showMessage(title, QString::fromStdString(e.what()));
    return;
  }
  const QString name = QFileInfo(path).fileName();
  loadLatent(latents.front(), tr("Open latent %1").arg(name), QImage());
  statusBar()->showMessage(
      latents.size() == 1
          ? tr("Opened the latent of %1").arg(name)
          : tr("Opened the first of the %1 latents of %2").arg(latents.size()).arg(name),
      5000);
}

}  // namespace latentlab::ui
