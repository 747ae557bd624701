#pragma once
// The LatentLab main window: the image view in the centre, dockable Latent and Attributes panels,
// a status bar with the model, device, decode time and frame rate. Inference runs on the
// RenderWorker's thread; this window only composes latents and shows the images that come back.
//
// The window owns the panels and wires them: its helpers (docks, file actions, sessions) see it
// only as a LatentHost, and what it tells them it pushes through signals with their payload.
#include <QImage>
#include <QMainWindow>
#include <QThread>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "ui/window/latent_edit_command.h"
#include "ui/window/latent_host.h"
#include "ui/window/model_summary.h"

class QDockWidget;
class QLabel;
class QAction;
class QMenu;
class QTimer;
class QUndoStack;

namespace latentlab::ui {

class AnalysisDocks;
class AttributePanel;
class ImageFileActions;
class ImageView;
class InterpolationDock;
class LatentPanel;
class ModelAnalyser;
class RealismMeter;
class RenderWorker;
class SessionKeeper;

class MainWindow : public QMainWindow, public LatentHost {
  Q_OBJECT

 public:
  // device: where models are loaded ("auto", "cpu", "cuda", "cuda:N").
  explicit MainWindow(const QString& device = QStringLiteral("auto"), QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a checkpoint or TorchScript file in the background. On success the model replaces the
  // current one; on failure the message handler is told and the current model stays.
  void openCheckpoint(const QString& path) override;
  // A file dropped on the window or chosen by the user, sent where its kind is opened
  // (dropped_file.h): an image is encoded, a latent file loaded, a session opened, anything else
  // opened as a model.
  void openFile(const QString& path);
  // Shows the first latent of a .json or .npy latent file as one undoable edit; a file that is
  // not one, or holds latents of another size, gives a message naming it and changes nothing.
  void openLatentFile(const QString& path);

  // Errors the user must see (a file that would not open). A QMessageBox by default; tests
  // install their own so nothing modal blocks them.
  using MessageHandler = std::function<void(const QString& title, const QString& text)>;
  void setMessageHandler(MessageHandler handler) { m_showMessage = std::move(handler); }
  // Shows an error through the handler (panels report failed jobs and exports here).
  void showMessage(const QString& title, const QString& text) override {
    m_showMessage(title, text);
  }
  void showStatus(const QString& text, int timeoutMs) override;

  const ModelSummary& model() const override { return m_model; }
  // The latent that is rendered: the Latent panel's values + sum(amount * attribute vector).
  std::vector<float> currentLatent() const override;
  LatentState latentState() const override;
  QStringList attributeNames() const override;
  // Shows latent (a data set point, a GMM sample) as one undoable edit: the Latent panel takes
  // it and the attribute amounts go to 0. original: the image it was encoded from, shown beside.
  void loadLatent(const std::vector<float>& latent, const QString& text,
                  const QImage& original = QImage()) override;
  // Shows state (a session, an animation frame) and makes it one undoable edit named undoText;
  // an empty undoText shows it without one (the next edit's undo step covers it).
  void loadState(const LatentState& state, const QString& undoText) override;
  // True when the newest render request has been shown (or failed).
  bool renderSettled() const { return m_settledId >= m_requestedId; }
  // The id of the newest render request (ids rise by one per request; frameShown reports them).
  quint64 lastRequestId() const { return m_requestedId; }

  ImageView* imageView() const { return m_view; }
  LatentPanel* latentPanel() const { return m_latent; }
  AttributePanel* attributePanel() const { return m_attributes; }
  AnalysisDocks* analysisDocks() const { return m_analysisDocks; }  // Latent map and GMM
  // Model > Analyse with a Data Set: runs the analysis of the open model with spec (progress
  // dialog with Cancel), stores it and opens the model again to show it. False when it cannot
  // start (the reason went to the message handler).
  bool startAnalysis(const QString& spec);
  ModelAnalyser* analyser() const { return m_analyser; }
  QUndoStack* undoStack() const { return m_undo; }
  InterpolationDock* interpolationDock() const { return m_interpolationDock; }
  ImageFileActions* imageFiles() const { return m_imageFiles; }  // Open Image, Export Image
  SessionKeeper* sessions() const { return m_sessions; }         // sessions and autosave

 signals:
  void modelChanged(const latentlab::ui::ModelSummary& model);  // a new model is in place
  // The rendered latent changed (live while a slider is dragged): currentLatent().
  void latentChanged(const std::vector<float>& latent);
  void loadFailed(const QString& path, const QString& message);
  // The image of that render request is on screen; renderMs: its decode and conversion on the
  // render thread (the rest of the slider-to-image time is queueing between the threads).
  void frameShown(quint64 requestId, double renderMs);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  // main_window.cpp: models and rendering, the helpers' wiring
  void createHelpers();
  void requestRender();
  void onModelLoaded(const ModelSummary& summary);
  void onLoadFailed(const QString& path, const QString& message);
  void onImageReady(quint64 id, const QImage& image, double milliseconds);
  void onRenderFailed(quint64 id, const QString& message);
  void updateFrameRate();
  void applyState(const LatentState& state);
  void commitEdit(const QString& text);
  // main_window_menus.cpp: menus, recent files, settings, about
  void createMenus();
  void fillRecentMenu();
  void addRecentFile(const QString& path);
  void chooseCheckpoint();
  void copyImage();
  void showAbout();
  void restoreLayout();
  void saveLayout();
  // main_window_model.cpp: the Model menu (info, device, project image), the GAN realism meter
  void createModelMenu();
  void updateModelMenu();
  void showModelInfo();
  void switchDevice(const QString& device);
  void analyseWithDataset();  // asks for the data set, then startAnalysis
  // A latent map selection's attribute: a new slider, and stored with the model's analysis.
  void addSelectionAttribute(const QString& name, const std::vector<float>& direction);

  QString m_device;
  ModelSummary m_model;
  RenderWorker* m_worker;  // lives on m_renderThread; deleted after the thread stops
  QThread m_renderThread;

  ImageView* m_view;
  LatentPanel* m_latent;
  AttributePanel* m_attributes;
  QDockWidget* m_latentDock;
  QDockWidget* m_attributeDock;
  AnalysisDocks* m_analysisDocks;
  InterpolationDock* m_interpolationDock;
  ImageFileActions* m_imageFiles;
  SessionKeeper* m_sessions;
  QMenu* m_recentMenu = nullptr;
  QUndoStack* m_undo;
  LatentState m_committed;  // the state after the last undo step

  QLabel* m_modelLabel;
  QLabel* m_deviceLabel;
  QLabel* m_timeLabel;
  QLabel* m_fpsLabel;
  QTimer* m_fpsTimer;
  std::deque<qint64> m_frameTimes;  // when recent frames arrived (ms): the frame rate

  quint64 m_requestedId = 0;  // newest render request
  quint64 m_shownId = 0;      // newest image shown; older results are dropped
  quint64 m_settledId = 0;    // newest request shown or failed
  MessageHandler m_showMessage;

  QAction* m_infoAction = nullptr;
  QAction* m_projectAction = nullptr;
  QAction* m_analyseAction = nullptr;
  ModelAnalyser* m_analyser = nullptr;
  QMenu* m_deviceMenu = nullptr;
  RealismMeter* m_realism = nullptr;
  quint64 m_scoredId = 0;                    // the render request the realism meter shows
  std::optional<LatentState> m_reloadState;  // put back once a device switch has reloaded
  QString m_reloadPath;
};

}  // namespace latentlab::ui
