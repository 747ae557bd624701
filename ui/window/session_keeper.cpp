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
#include <QTimer>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/session.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/widgets/image_view.h"
#include "ui/window/latent_host.h"

namespace latentlab::ui {

namespace {

const char* const kAutosaveName = "autosave.json";
const char* const kLockName = "autosave.lock";

bool sameFile(const QString& a, const QString& b) {
  const QString canonical = QFileInfo(a).canonicalFilePath();
  return !canonical.isEmpty() && canonical == QFileInfo(b).canonicalFilePath();
}

}  // namespace

SessionKeeper::SessionKeeper(LatentHost& host, InterpolationPanel& interpolation, ImageView& view,
                             QWidget* window)
    : QObject(window),
      m_host(host),
      m_interpolation(interpolation),
      m_view(view),
      m_window(window),
      m_autosaveTimer(new QTimer(this)) {
  m_ask = [window](const QString& title, const QString& text) {
    return QMessageBox::question(window, title, text) == QMessageBox::Yes;
  };
  m_autosaveTimer->setSingleShot(true);
  m_autosaveTimer->setInterval(kAutosaveDelayMs);
  connect(m_autosaveTimer, &QTimer::timeout, this, &SessionKeeper::writeAutosave);
  // The edits of the panels it keeps; the window reports the latent's and undo's.
  connect(&interpolation, &InterpolationPanel::settingsChanged, this,
          &SessionKeeper::scheduleAutosave);
  connect(&view, &ImageView::smoothScalingChanged, this, &SessionKeeper::scheduleAutosave);
}

SessionKeeper::~SessionKeeper() {
  if (!m_lock) return;
  // A clean exit: nothing to restore next time.
  QFile::remove(autosavePath());
  m_lock->unlock();
}

// The window as a session: what File > Save Session writes and autosave keeps.
Session SessionKeeper::capture() const {
  Session s;
  s.model_path = QFileInfo(m_host.model().path).absoluteFilePath().toStdString();
  const LatentState state = m_host.latentState();
  s.latent = state.latent;
  const QStringList names = m_host.attributeNames();
  for (int i = 0; i < names.size() && size_t(i) < state.amounts.size(); ++i)
    s.attributes[names[i].toStdString()] = state.amounts[size_t(i)];
  s.endpoint_a = m_interpolation.endpoint(InterpolationPanel::A);
  s.endpoint_b = m_interpolation.endpoint(InterpolationPanel::B);
  s.steps = m_interpolation.steps();
  s.method = m_interpolation.spherical() ? "slerp" : "lerp";
  s.smooth_scaling = m_view.smoothScaling();
  return s;
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
  if (!m_host.model().isValid()) {
    m_host.showMessage(tr("Could not save the session"),
                       tr("There is nothing to save: no model is open."));
    return false;
  }
  try {
    write_session(path.toStdString(), capture());
  } catch (const Error& e) {
    m_host.showMessage(tr("Could not save the session"), QString::fromStdString(e.what()));
    return false;
  }
  m_path = path;
  m_host.showStatus(tr("Saved session %1").arg(path), LatentHost::kStatusMs);
  return true;
}

bool SessionKeeper::openSession(const QString& path) {
  Session session;
  try {
    session = read_session(path.toStdString());
  } catch (const Error& e) {
    m_host.showMessage(tr("Could not open the session"), QString::fromStdString(e.what()));
    return false;
  }
  const QString model = QString::fromStdString(session.model_path);
  if (!QFileInfo(model).isFile()) {
    m_host.showMessage(
        tr("Could not open the session"),
        tr("%1: its model %2 does not exist (no such file: moved or deleted?).").arg(path, model));
    return false;
  }
  if (path != autosavePath()) m_path = path;  // Save Session never writes into the autosave
  if (m_host.model().isValid() && sameFile(m_host.model().path, model)) {
    apply(session, path);
    return true;
  }
  // Applied by onModelChanged once the model is in place; a failed load shows its message.
  m_pending = std::make_unique<Session>(std::move(session));
  m_pendingPath = path;
  m_host.openCheckpoint(model);
  return true;
}

void SessionKeeper::modelChanged(const ModelSummary& model) {
  if (m_pending) {
    const std::unique_ptr<Session> session = std::move(m_pending);
    // Another model opened meanwhile wins over the session's.
    if (sameFile(model.path, QString::fromStdString(session->model_path)))
      apply(*session, m_pendingPath);
  }
  scheduleAutosave();
}

void SessionKeeper::modelFailed() { m_pending.reset(); }

void SessionKeeper::apply(const Session& session, const QString& path) {
  try {
    check_session_fits(session, m_host.model().latentDim);
  } catch (const Error& e) {
    m_host.showMessage(tr("Could not open the session"),
                       tr("%1: %2").arg(path, QString::fromStdString(e.what())));
    return;
  }
  std::vector<float> amounts;
  for (const QString& name : m_host.attributeNames()) {
    const auto found = session.attributes.find(name.toStdString());
    amounts.push_back(found == session.attributes.end() ? 0.0f : found->second);
  }
  m_host.loadState({session.latent, amounts}, tr("Open session"));
  m_interpolation.setSteps(int(session.steps));
  m_interpolation.setSpherical(session.method == "slerp");
  const std::optional<std::vector<float>>* endpoints[] = {&session.endpoint_a, &session.endpoint_b};
  for (int which : {InterpolationPanel::A, InterpolationPanel::B}) {
    if (*endpoints[which])
      m_interpolation.setEndpoint(which, **endpoints[which], QImage(), tr("session"));
    else
      m_interpolation.clearEndpoint(which);
  }
  m_view.setSmoothScaling(session.smooth_scaling);
  m_host.showStatus(tr("Opened session %1").arg(path), LatentHost::kStatusMs);
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
    m_host.showStatus(tr("Autosave is off: cannot create %1").arg(m_folder), LatentHost::kStatusMs);
    return false;
  }
  auto lock = std::make_unique<QLockFile>(QDir(m_folder).filePath(kLockName));
  lock->setStaleLockTime(0);  // stale only when its process is gone, however long it ran
  if (!lock->tryLock(0)) {
    m_host.showStatus(tr("Autosave is off: another LatentLab is autosaving"),
                      LatentHost::kStatusMs);
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
  if (!m_lock || !m_host.model().isValid() || m_pending) return;
  const std::string bytes = to_json(capture()).dump(2) + "\n";
  if (bytes == m_lastAutosave) return;
  try {
    write_file_atomically(autosavePath().toStdString(), bytes);
    m_lastAutosave = bytes;
  } catch (const Error& e) {
    // Every few seconds: the status bar, never a message box.
    m_host.showStatus(tr("Autosave failed: %1").arg(QString::fromStdString(e.what())),
                      LatentHost::kStatusMs);
  }
}

}  // namespace latentlab::ui
