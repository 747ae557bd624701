// MainWindow's Model menu (Model Info…, Device, Project Image… for a GAN) and the GAN's realism
// meter in the status bar.
#include <QAction>
#include <QActionGroup>
#include <QFileDialog>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QStatusBar>

#include "ui/latent/realism_meter.h"
#include "ui/render/device_choice.h"
#include "ui/render/render_worker.h"
#include "ui/window/image_file_actions.h"
#include "ui/window/main_window.h"
#include "ui/window/model_info_dialog.h"

namespace latentlab::ui {

void MainWindow::createModelMenu() {
  QMenu* menu = menuBar()->addMenu(tr("&Model"));
  m_infoAction = menu->addAction(tr("Model &Info…"), this, &MainWindow::showModelInfo);
  m_infoAction->setShortcut(QKeySequence(tr("Ctrl+Shift+I")));
  m_infoAction->setStatusTip(tr("What the checkpoint says about itself, and its model card"));

  m_deviceMenu = menu->addMenu(tr("&Device"));
  auto* devices = new QActionGroup(this);
  for (const QString& device : availableDevices()) {
    const bool cpu = device == QLatin1String("cpu");
    QAction* action =
        m_deviceMenu->addAction(cpu ? tr("&CPU") : tr("CUDA GPU %1").arg(device.mid(5)));
    action->setData(device);
    action->setCheckable(true);
    action->setActionGroup(devices);
    action->setStatusTip(tr("Run the model on %1 (it is loaded again there)").arg(device));
    if (cpu)
      action->setShortcut(QKeySequence(tr("Ctrl+Alt+C")));
    else if (device == QLatin1String("cuda:0"))
      action->setShortcut(QKeySequence(tr("Ctrl+Alt+G")));
    connect(action, &QAction::triggered, this, [this, device] { switchDevice(device); });
  }

  m_projectAction = menu->addAction(tr("&Project Image…"), this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Project Image"),
        QStandardPaths::writableLocation(QStandardPaths::PicturesLocation),
        tr("Images (*.png *.jpg *.jpeg *.bmp *.pgm *.ppm *.tif *.tiff *.webp);;All files (*)"));
    if (!path.isEmpty()) m_imageFiles->openImage(path);  // a GAN's "encoding" is inversion
  });
  m_projectAction->setShortcut(QKeySequence(tr("Ctrl+Shift+P")));
  m_projectAction->setStatusTip(
      tr("Find the latent whose image best matches a picture (GAN inversion), with progress"));

  // Scored on the render thread after each frame when no newer request waits (render_worker.h).
  m_realism = new RealismMeter;
  statusBar()->addPermanentWidget(m_realism);
  connect(m_worker, &RenderWorker::realismScored, this, [this](quint64 id, double logit) {
    if (id < m_scoredId) return;
    m_scoredId = id;
    m_realism->setLogit(logit);
  });

  connect(this, &MainWindow::modelChanged, this, [this] {
    if (m_reloadState && m_reloadPath == m_model.path)
      applyState(*m_reloadState);  // a device switch
    m_reloadState.reset();
    for (auto* dialog : findChildren<ModelInfoDialog*>())
      dialog->close();  // they describe the old model
    updateModelMenu();
  });
  connect(this, &MainWindow::loadFailed, this, [this] {
    if (!m_reloadState) return;
    m_reloadState.reset();  // the model stays where it was
    m_device = m_model.device;
    updateModelMenu();
  });
  updateModelMenu();
}

void MainWindow::updateModelMenu() {
  const bool gan = m_model.kind == QLatin1String("gan");
  m_infoAction->setEnabled(m_model.isValid());
  const QString device = m_model.isValid() ? m_model.device : m_device;
  for (QAction* action : m_deviceMenu->actions())
    action->setChecked(action->data().toString() == device);
  // A GAN has no encoder: its images enter the latent space by inversion.
  m_projectAction->setVisible(gan);
  m_realism->setVisible(m_model.canDiscriminate);
  m_realism->clear();
  m_scoredId = 0;
}

void MainWindow::showModelInfo() {
  if (!m_model.isValid()) return;
  auto* dialog = new ModelInfoDialog(m_model, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
}

void MainWindow::switchDevice(const QString& device) {
  m_device = device;  // models opened later go there too
  if (!m_model.isValid() || m_model.device == device) return;
  // Model::to_device must not run while the render thread decodes: load the file again on the
  // new device through the worker instead, and put the latent back when it is in place.
  m_reloadState = latentState();
  m_reloadPath = m_model.path;
  statusBar()->showMessage(tr("Loading the model on %1…").arg(device));
  m_worker->requestLoad(m_model.path, device);
}

}  // namespace latentlab::ui
