#include "ui/window/main_window.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>
#include <QTimer>
#include <QUndoStack>

#include "ui/attributes/attribute_panel.h"
#include "ui/interpolation/interpolation_dock.h"
#include "ui/interpolation/interpolation_panel.h"
#include "ui/latent/latent_panel.h"
#include "ui/latent_map/latent_map_panel.h"
#include "ui/render/render_worker.h"
#include "ui/start/start_image_cache.h"
#include "ui/widgets/image_view.h"
#include "ui/window/analysis_docks.h"
#include "ui/window/image_file_actions.h"
#include "ui/window/session_keeper.h"

namespace latentlab::ui {

namespace {

constexpr qint64 kFrameRateWindowMs = 1000;  // frames counted over the last second

QString noModelText() {
  return MainWindow::tr(
      "No model is loaded.\n\nOpen a checkpoint with File > Open (Ctrl+O), or drop a "
      ".llckpt or TorchScript .pt file onto this window.");
}

}  // namespace

MainWindow::MainWindow(const QString& device, QWidget* parent)
    : QMainWindow(parent), m_device(device), m_worker(new RenderWorker) {
  setWindowTitle(tr("LatentLab"));
  setAcceptDrops(true);

  // The worker has no parent so it can move to its thread; the thread's event loop runs every
  // decode and load, and requests reach it as queued calls.
  m_renderThread.setObjectName(QStringLiteral("latentlab-render"));
  m_worker->moveToThread(&m_renderThread);
  connect(m_worker, &RenderWorker::imageReady, this, &MainWindow::onImageReady);
  connect(m_worker, &RenderWorker::failed, this, &MainWindow::onRenderFailed);
  connect(m_worker, &RenderWorker::modelLoaded, this, &MainWindow::onModelLoaded);
  connect(m_worker, &RenderWorker::loadFailed, this, &MainWindow::onLoadFailed);
  m_renderThread.start();

  m_view = new ImageView(this);
  m_view->setMessage(noModelText());
  setCentralWidget(m_view);

  m_latent = new LatentPanel;
  m_latentDock = new QDockWidget(tr("Latent"), this);
  m_latentDock->setObjectName(QStringLiteral("LatentDock"));  // saveState() needs names
  m_latentDock->setWidget(m_latent);
  addDockWidget(Qt::LeftDockWidgetArea, m_latentDock);

  m_attributes = new AttributePanel;
  m_attributeDock = new QDockWidget(tr("Attributes"), this);
  m_attributeDock->setObjectName(QStringLiteral("AttributesDock"));
  m_attributeDock->setWidget(m_attributes);
  addDockWidget(Qt::RightDockWidgetArea, m_attributeDock);

  m_undo = new QUndoStack(this);
  // What is rendered is both panels' values composed (currentLatent()), whichever moved.
  connect(m_latent, &LatentPanel::latentChanged, this, &MainWindow::requestRender);
  connect(m_attributes, &AttributePanel::amountsChanged, this, &MainWindow::requestRender);
  connect(m_latent, &LatentPanel::editFinished, this, [this] { commitEdit(tr("Edit latent")); });
  connect(m_attributes, &AttributePanel::editFinished, this,
          [this] { commitEdit(tr("Edit attributes")); });

  m_modelLabel = new QLabel(tr("No model"));
  m_deviceLabel = new QLabel(m_device);
  m_timeLabel = new QLabel;
  m_fpsLabel = new QLabel;
  m_deviceLabel->setToolTip(tr("Where the model runs"));
  m_timeLabel->setToolTip(tr("Time of the last decode, including the conversion to pixels"));
  m_fpsLabel->setToolTip(tr("Images rendered in the last second"));
  statusBar()->addPermanentWidget(m_modelLabel);
  statusBar()->addPermanentWidget(m_deviceLabel);
  statusBar()->addPermanentWidget(m_timeLabel);
  statusBar()->addPermanentWidget(m_fpsLabel);
  m_fpsTimer = new QTimer(this);
  m_fpsTimer->setInterval(250);
  connect(m_fpsTimer, &QTimer::timeout, this, &MainWindow::updateFrameRate);

  m_showMessage = [this](const QString& title, const QString& text) {
    QMessageBox::warning(this, title, text);
  };
  createHelpers();
  createMenus();
  resize(1200, 760);  // the first start; later starts restore the saved geometry
  restoreLayout();
  // What the next start shows before LibTorch has loaded (app/gui/main.cpp).
  connect(qApp, &QCoreApplication::aboutToQuit, this, [this] {
    if (m_model.isValid()) saveStartImage(m_model.path, m_view->image());
  });
}

MainWindow::~MainWindow() {
  // The worker may be decoding: let it finish, stop its event loop, then delete it here.
  m_renderThread.quit();
  m_renderThread.wait();
  delete m_worker;
}

void MainWindow::createHelpers() {
  m_analysisDocks = new AnalysisDocks(*this, this);
  addDockWidget(Qt::RightDockWidgetArea, m_analysisDocks->mapDock());
  addDockWidget(Qt::RightDockWidgetArea, m_analysisDocks->gmmDock());
  tabifyDockWidget(m_analysisDocks->mapDock(), m_analysisDocks->gmmDock());
  m_analysisDocks->mapDock()->raise();
  m_interpolationDock = new InterpolationDock(*this, this);
  addDockWidget(Qt::BottomDockWidgetArea, m_interpolationDock->dock());
  InterpolationPanel* interpolation = m_interpolationDock->panel();
  m_imageFiles = new ImageFileActions(*this, *m_view, this);
  m_sessions = new SessionKeeper(*this, *interpolation, *m_view, this);

  connect(this, &MainWindow::modelChanged, m_analysisDocks, &AnalysisDocks::setModel);
  connect(this, &MainWindow::modelChanged, interpolation, &InterpolationPanel::setModel);
  connect(this, &MainWindow::modelChanged, m_sessions, &SessionKeeper::modelChanged);
  connect(this, &MainWindow::loadFailed, m_sessions, &SessionKeeper::modelFailed);
  connect(this, &MainWindow::latentChanged, m_analysisDocks, &AnalysisDocks::setCurrentLatent);
  connect(this, &MainWindow::latentChanged, interpolation, &InterpolationPanel::setCurrentLatent);
  // Every kind of edit is autosaved: live latent changes and undo/redo here, the interpolation
  // settings and the view options by the keeper itself.
  connect(this, &MainWindow::latentChanged, m_sessions, &SessionKeeper::scheduleAutosave);
  connect(m_undo, &QUndoStack::indexChanged, m_sessions, &SessionKeeper::scheduleAutosave);
  // The latent map's selections become attributes and interpolation endpoints.
  connect(m_analysisDocks->map(), &LatentMapPanel::attributeCreated, this,
          &MainWindow::addSelectionAttribute);
  connect(m_analysisDocks->map(), &LatentMapPanel::endpointRequested, interpolation,
          [interpolation](int endpoint, const std::vector<float>& latent, const QString& source) {
            interpolation->setEndpoint(endpoint, latent, QImage(), source);
          });
}

void MainWindow::openCheckpoint(const QString& path) {
  statusBar()->showMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()));
  m_worker->requestLoad(path, m_device);
}

void MainWindow::showStatus(const QString& text, int timeoutMs) {
  statusBar()->showMessage(text, timeoutMs);
}

QStringList MainWindow::attributeNames() const { return m_attributes->attributes(); }

std::vector<float> MainWindow::currentLatent() const {
  std::vector<float> z = m_latent->values();
  m_attributes->addTo(z);
  return z;
}

void MainWindow::loadLatent(const std::vector<float>& latent, const QString& text,
                            const QImage& original) {
  if (!m_model.isValid() || int(latent.size()) != m_model.latentDim) return;
  m_attributes->setAmounts(std::vector<float>(m_attributes->attributes().size(), 0.0f));
  m_latent->setValues(latent);
  m_view->setOriginal(original);
  commitEdit(text);
}

void MainWindow::loadState(const LatentState& state, const QString& undoText) {
  if (!m_model.isValid() || int(state.latent.size()) != m_model.latentDim) return;
  m_latent->setValues(state.latent);
  m_attributes->setAmounts(state.amounts);
  if (!undoText.isEmpty()) commitEdit(undoText);
}

void MainWindow::requestRender() {
  if (!m_model.isValid()) return;
  std::vector<float> latent = currentLatent();
  m_requestedId = m_worker->requestRender(m_model.generation, latent);
  emit latentChanged(latent);
}

void MainWindow::onModelLoaded(const ModelSummary& summary) {
  m_model = summary;
  m_latent->setModel(summary);
  m_attributes->setAttributes(summary.attributeNames, summary.attributeVectors);
  m_undo->clear();
  m_committed = latentState();
  m_view->setOriginal({});

  const QString name =
      summary.name.isEmpty() ? QFileInfo(summary.path).completeBaseName() : summary.name;
  setWindowTitle(tr("%1 — LatentLab").arg(name));
  m_modelLabel->setText(tr("%1 (%2, %3-D latent, %4×%5×%6)")
                            .arg(name, summary.kind.toUpper())
                            .arg(summary.latentDim)
                            .arg(summary.channels)
                            .arg(summary.height)
                            .arg(summary.width));
  m_modelLabel->setToolTip(summary.path);
  m_deviceLabel->setText(summary.device);
  statusBar()->showMessage(tr("Opened %1").arg(summary.path), 5000);
  addRecentFile(summary.path);
  requestRender();
  emit modelChanged(m_model);
  // A store found but not applied (damaged, made for other bytes): the model works without it,
  // and the user must know why the analysis is missing.
  if (!summary.warnings.isEmpty())
    m_showMessage(tr("Stored analysis not applied"), summary.warnings.join(QLatin1Char('\n')));
}

void MainWindow::onLoadFailed(const QString& path, const QString& message) {
  statusBar()->showMessage(tr("Could not open %1").arg(QFileInfo(path).fileName()), 5000);
  emit loadFailed(path, message);
  m_showMessage(tr("Could not open checkpoint"), message);
}

void MainWindow::onImageReady(quint64 id, const QImage& image, double milliseconds) {
  m_settledId = std::max(m_settledId, id);
  if (id <= m_shownId) return;  // an older request overtaken by a newer one: never step back
  m_shownId = id;
  m_view->setImage(image);
  m_timeLabel->setText(tr("%1 ms").arg(milliseconds, 0, 'f', 1));
  m_frameTimes.push_back(QDateTime::currentMSecsSinceEpoch());
  updateFrameRate();
  if (!m_fpsTimer->isActive()) m_fpsTimer->start();
  emit frameShown(id, milliseconds);
}

void MainWindow::onRenderFailed(quint64 id, const QString& message) {
  // The last good image stays on screen; the worker reports a repeated error only once.
  m_settledId = std::max(m_settledId, id);
  statusBar()->showMessage(tr("Render failed: %1").arg(message), 10000);
}

void MainWindow::updateFrameRate() {
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  while (!m_frameTimes.empty() && now - m_frameTimes.front() > kFrameRateWindowMs)
    m_frameTimes.pop_front();
  m_fpsLabel->setText(tr("%1 fps").arg(m_frameTimes.size()));
  if (m_frameTimes.empty()) m_fpsTimer->stop();
}

LatentState MainWindow::latentState() const {
  return {m_latent->values(), m_attributes->amounts()};
}

void MainWindow::applyState(const LatentState& state) {
  m_latent->setValues(state.latent);
  m_attributes->setAmounts(state.amounts);
  m_committed = state;
}

void MainWindow::commitEdit(const QString& text) {
  LatentState now = latentState();
  if (now == m_committed) return;  // e.g. a reset of a slider already at 0
  auto apply = [this](const LatentState& s) { applyState(s); };
  m_undo->push(new LatentEditCommand(apply, m_committed, now, text));
  m_committed = std::move(now);
}

}  // namespace latentlab::ui
