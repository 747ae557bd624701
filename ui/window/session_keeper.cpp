#include "ui/window/session_keeper.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QLockFile>
#include <QMenu>
#include <QMessageBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QUndoStack>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/session.h"
#include "ui/attributes/attribute_panel.h"
#include "ui/interpolation/interpolation_dock.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/latent/latent_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/window/main_window.h"

namespace latentlab::ui {

namespace {

constexpr int kStatusMs = 5000;
const char* const kAutosaveName = "autosave.json";
const char* const kLockName = "autosave.lock";

bool sameFile(const QString& a, const QString& b) {
  const QString canonical = QFileInfo(a).canonicalFilePath();
  return !canonical.isEmpty() && canonical == QFileInfo(b).canonicalFilePath();
}

// The window as a session: what File > Save Session writes and autosave keeps.
Session capture(const MainWindow& window) {
  Session s;
  s.model_path = QFileInfo(window.model().path).absoluteFilePath().toStdString();
  s.latent = window.latentPanel()->values();
  const QStringList names = window.attributePanel()->attributes();
  const std::vector<float> amounts = window.attributePanel()->amounts();
  for (int i = 0; i < names.size() && size_t(i) < amounts.size(); ++i)
    s.attributes[names[i].toStdString()] = amounts[size_t(i)];
  const InterpolationPanel* panel = window.interpolationDock()->panel();
  s.endpoint_a = panel->endpoint(InterpolationPanel::A);
  s.endpoint_b = panel->endpoint(InterpolationPanel::B);
  s.steps = panel->steps();
  s.method = panel->spherical() ? "slerp" : "lerp";
  s.smooth_scaling = window.imageView()->smoothScaling();
  return s;
}

}  // namespace

SessionKeeper::SessionKeeper(MainWindow* window)
    : QObject(window), m_window(window), m_autosaveTimer(new QTimer(this)) {
  m_ask = [window](const QString& title, const QString& text) {
    return QMessageBox::question(window, title, text) == QMessageBox::Yes;
  };
  m_autosaveTimer->setSingleShot(true);
  m_autosaveTimer->setInterval(kAutosaveDelayMs);
  connect(m_autosaveTimer, &QTimer::timeout, this, &SessionKeeper::writeAutosave);
  connect(window, &MainWindow::modelChanged, this, &SessionKeeper::onModelChanged);
  connect(window, &MainWindow::loadFailed, this, [this] { m_pending.reset(); });
  // Every kind of edit: live latent changes, undo/redo, the interpolation settings, the view.
  connect(window, &MainWindow::latentChanged, this, &SessionKeeper::scheduleAutosave);
  connect(window->undoStack(), &QUndoStack::indexChanged, this, &SessionKeeper::scheduleAutosave);
  connect(window->interpolationDock()->panel(), &InterpolationPanel::settingsChanged, this,
          &SessionKeeper::scheduleAutosave);
  connect(window->imageView(), &ImageView::smoothScalingChanged, this,
          &SessionKeeper::scheduleAutosave);
}

SessionKeeper::~SessionKeeper() {
  if (!m_lock) return;
  // A clean exit: nothing to restore next time.
  QFile::remove(autosavePath());
  m_lock->unlock();
}

void SessionKeeper::addActions(QMenu* file) {
  QAction* open = file->addAction(tr("Open Sess&ion…"), this, &SessionKeeper::chooseOpen);
  open->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  open->setStatusTip(tr("Open a saved session: its model, latent, attributes and interpolation"));
  QAction* save = file->addAction(tr("&Save Session"), this, &SessionKeeper::save);
  save->setShortcut(QKeySequence::Save);
  save->setStatusTip(
      tr("Save the model, latent, attribute amounts, interpolation and view as JSON"));
  QAction* saveAs = file->addAction(tr("Save Session &As…"), this, &SessionKeeper::saveAs);
  saveAs->setShortcut(QKeySequence(tr("Ctrl+Shift+S")));
}

void SessionKeeper::chooseOpen() {
  const QString path =
      QFileDialog::getOpenFileName(m_window, tr("Open Session"), QFileInfo(m_path).absolutePath(),
                                   tr("LatentLab sessions (*.json);;All files (*)"));
  if (!path.isEmpty()) openSession(path);
}

void SessionKeeper::save() {
  if (m_path.isEmpty())
    saveAs();
  else
    saveSession(m_path);
}

void SessionKeeper::saveAs() {
  const QString start =
      m_path.isEmpty()
          ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + "/session.json"
          : m_path;
  const QString path = QFileDialog::getSaveFileName(m_window, tr("Save Session"), start,
                                                    tr("LatentLab sessions (*.json)"));
  if (!path.isEmpty()) saveSession(path);
}

bool SessionKeeper::saveSession(const QString& path) {
  if (!m_window->model().isValid()) {
    m_window->showMessage(tr("Could not save the session"),
                          tr("There is nothing to save: no model is open."));
    return false;
  }
  try {
    write_session(path.toStdString(), capture(*m_window));
  } catch (const Error& e) {
    m_window->showMessage(tr("Could not save the session"), QString::fromStdString(e.what()));
    return false;
  }
  m_path = path;
  m_window->statusBar()->showMessage(tr("Saved session %1").arg(path), kStatusMs);
  return true;
}

bool SessionKeeper::openSession(const QString& path) {
  Session session;
  try {
    session = read_session(path.toStdString());
  } catch (const Error& e) {
    m_window->showMessage(tr("Could not open the session"), QString::fromStdString(e.what()));
    return false;
  }
  const QString model = QString::fromStdString(session.model_path);
  if (!QFileInfo(model).isFile()) {
    m_window->showMessage(
        tr("Could not open the session"),
        tr("%1: its model %2 does not exist (moved or deleted?).").arg(path, model));
    return false;
  }
  if (path != autosavePath()) m_path = path;  // Save Session never writes into the autosave
  if (m_window->model().isValid() && sameFile(m_window->model().path, model)) {
    apply(session, path);
    return true;
  }
  // Applied by onModelChanged once the model is in place; a failed load shows its message.
  m_pending = std::make_unique<Session>(std::move(session));
  m_pendingPath = path;
  m_window->openCheckpoint(model);
  return true;
}

void SessionKeeper::onModelChanged() {
  if (m_pending) {
    const std::unique_ptr<Session> session = std::move(m_pending);
    // Another model opened meanwhile wins over the session's.
    if (sameFile(m_window->model().path, QString::fromStdString(session->model_path)))
      apply(*session, m_pendingPath);
  }
  scheduleAutosave();
}

void SessionKeeper::apply(const Session& session, const QString& path) {
  try {
    check_session_fits(session, m_window->model().latentDim);
  } catch (const Error& e) {
    m_window->showMessage(tr("Could not open the session"),
                          tr("%1: %2").arg(path, QString::fromStdString(e.what())));
    return;
  }
  std::vector<float> amounts;
  for (const QString& name : m_window->attributePanel()->attributes()) {
    const auto found = session.attributes.find(name.toStdString());
    amounts.push_back(found == session.attributes.end() ? 0.0f : found->second);
  }
  m_window->loadState({session.latent, amounts}, tr("Open session"));
  InterpolationPanel* panel = m_window->interpolationDock()->panel();
  panel->setSteps(int(session.steps));
  panel->setSpherical(session.method == "slerp");
  const std::optional<std::vector<float>>* endpoints[] = {&session.endpoint_a, &session.endpoint_b};
  for (int which : {InterpolationPanel::A, InterpolationPanel::B}) {
    if (*endpoints[which])
      panel->setEndpoint(which, **endpoints[which], QImage(), tr("session"));
    else
      panel->clearEndpoint(which);
  }
  m_window->imageView()->setSmoothScaling(session.smooth_scaling);
  m_window->statusBar()->showMessage(tr("Opened session %1").arg(path), kStatusMs);
}

QString SessionKeeper::defaultAutosaveFolder() {
  const QString folder = qEnvironmentVariable("LATENTLAB_AUTOSAVE_DIR");
  return folder.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                          : folder;
}

QString SessionKeeper::autosavePath() const { return QDir(m_folder).filePath(kAutosaveName); }

bool SessionKeeper::startAutosave(const QString& folder) {
  if (m_lock) return false;
  m_folder = folder.isEmpty() ? defaultAutosaveFolder() : folder;
  if (!QDir().mkpath(m_folder)) {
    m_window->statusBar()->showMessage(tr("Autosave is off: cannot create %1").arg(m_folder),
                                       kStatusMs);
    return false;
  }
  auto lock = std::make_unique<QLockFile>(QDir(m_folder).filePath(kLockName));
  lock->setStaleLockTime(0);  // stale only when its process is gone, however long it ran
  if (!lock->tryLock(0)) {
    m_window->statusBar()->showMessage(tr("Autosave is off: another LatentLab is autosaving"),
                                       kStatusMs);
    return false;
  }
  m_lock = std::move(lock);
  const QFileInfo left(autosavePath());
  if (!left.isFile()) return false;
  const bool restore =
      m_ask(tr("Restore Session"),
            tr("LatentLab did not exit cleanly last time. Restore the session it saved at %1?")
                .arg(QLocale().toString(left.lastModified(), QLocale::ShortFormat)));
  if (restore && openSession(autosavePath())) return true;
  QFile::remove(autosavePath());
  return false;
}

void SessionKeeper::scheduleAutosave() {
  // Started, not restarted: a long drag is still saved every few seconds.
  if (m_lock && !m_autosaveTimer->isActive()) m_autosaveTimer->start();
}

void SessionKeeper::writeAutosave() {
  // Nothing to keep without a model, and a session waiting for its model is not written over.
  if (!m_lock || !m_window->model().isValid() || m_pending) return;
  const std::string bytes = to_json(capture(*m_window)).dump(2) + "\n";
  if (bytes == m_lastAutosave) return;
  try {
    write_file_atomically(autosavePath().toStdString(), bytes);
    m_lastAutosave = bytes;
  } catch (const Error& e) {
    // Every few seconds: the status bar, never a message box.
    m_window->statusBar()->showMessage(
        tr("Autosave failed: %1").arg(QString::fromStdString(e.what())), kStatusMs);
  }
}

}  // namespace latentlab::ui
