#pragma once
// Sessions of the window: File > Save Session / Open Session (core/io/session.h JSON: model path,
// latent, attribute amounts, interpolation endpoints and settings, view options) and autosave.
//
// Autosave: a few seconds after an edit the session is written (atomically) to autosave.json in
// the autosave folder ($LATENTLAB_AUTOSAVE_DIR, else QStandardPaths::AppDataLocation); a clean
// exit removes it. startAutosave() finds one left by a run that crashed or was killed and asks,
// through the question handler, whether to restore it. A lock file (QLockFile, released by a
// crash too) keeps a second LatentLab from taking over the first one's autosave.
//
// It sees the window through LatentHost (model, latent, attributes, loading) and the two panels
// whose settings a session keeps; the window pushes its news into the slots.
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <string>

class QLockFile;
class QMenu;
class QTimer;
class QWidget;

namespace latentlab {
struct Session;
}

namespace latentlab::ui {

class ImageView;
class InterpolationPanel;
class LatentHost;
struct ModelSummary;

class SessionKeeper : public QObject {
  Q_OBJECT

 public:
  static constexpr int kAutosaveDelayMs = 2000;  // at most this much editing is ever lost

  // window: the dialogs' parent (its QObject parent too).
  SessionKeeper(LatentHost& host, InterpolationPanel& interpolation, ImageView& view,
                QWidget* window);
  ~SessionKeeper() override;  // a clean exit: the autosave is removed

  // Adds Open Session…, Save Session and Save Session As… to the File menu.
  void addActions(QMenu* file);

  // Returns false after telling the message handler (no model, unwritable path).
  bool saveSession(const QString& path);
  // Reads the file and opens its model if another one is loaded (the session is applied once
  // it is in place). A bad file or a missing model gives a message and changes nothing; returns
  // whether the session is being applied.
  bool openSession(const QString& path);

  // Yes/no questions (restore the autosave?). A QMessageBox by default; tests install their own.
  using QuestionHandler = std::function<bool(const QString& title, const QString& text)>;
  void setQuestionHandler(QuestionHandler handler) { m_ask = std::move(handler); }

  // Starts autosaving into folder (empty: the default folder). If an autosave from a run that
  // did not exit cleanly is there, asks whether to restore it; returns true when it is being
  // restored. Returns false without autosaving when another LatentLab holds the folder.
  bool startAutosave(const QString& folder = QString());
  bool isAutosaving() const { return bool(m_lock); }
  QString autosavePath() const;
  static QString defaultAutosaveFolder();

 public slots:
  // A new model is in place: a session waiting for it is applied.
  void modelChanged(const latentlab::ui::ModelSummary& model);
  // The model did not open: a session waiting for it is dropped.
  void modelFailed();
  // Something a session keeps has changed: autosaved a little later.
  void scheduleAutosave();

 private:
  void chooseOpen();
  void save();
  void saveAs();
  Session capture() const;
  void apply(const Session& session, const QString& path);
  void writeAutosave();

  LatentHost& m_host;
  InterpolationPanel& m_interpolation;
  ImageView& m_view;
  QWidget* m_window;
  QuestionHandler m_ask;
  QString m_path;  // the session file last opened or saved: File > Save Session writes here
  std::unique_ptr<Session> m_pending;  // waiting for its model to load
  QString m_pendingPath;               // the file it came from
  QString m_folder;
  std::unique_ptr<QLockFile> m_lock;  // held while this window autosaves into m_folder
  QTimer* m_autosaveTimer;
  std::string m_lastAutosave;  // the bytes last written: an unchanged session is not rewritten
};

}  // namespace latentlab::ui
