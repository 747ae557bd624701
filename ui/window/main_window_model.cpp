// MainWindow's Model menu (Model Info…, Device, Project Image… for a GAN) and the GAN's realism
// meter in the status bar.
#include <QAction>
#include <QActionGroup>
#include <QFileDialog>
#include <QInputDialog>
#include <QMenu>
#include <QMenuBar>
#include <QProgressDialog>
#include <QStandardPaths>
#include <QStatusBar>

#include "core/model/model_info.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/model_store.h"
#include "ui/attributes/attribute_panel.h"
#include "ui/latent/realism_meter.h"
#include "ui/render/device_choice.h"
#include "ui/render/render_worker.h"
#include "ui/window/analysis_docks.h"
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

  m_analyser = new ModelAnalyser(this);
  m_analyseAction =
      menu->addAction(tr("&Analyse with a Data Set…"), this, &MainWindow::analyseWithDataset);
  m_analyseAction->setStatusTip(
      tr("Encode a data set, compute attribute vectors from its labels and a GMM (K by BIC), and "
         "store them with the model (beside a TorchScript file, which is never changed)"));
  connect(m_analyser, &ModelAnalyser::analysed, this,
          [this](const StoredAnalysis& stored, const QString& report) {
            openCheckpoint(m_model.path);  // shows the new attribute sliders and GMM
            QString text = tr("Stored in %1.\n\n%2").arg(stored.path, report);
            if (!stored.notes.isEmpty()) text += "\n" + stored.notes.join(QLatin1Char('\n'));
            m_showMessage(tr("Analysis stored"), text);
          });
  connect(m_analyser, &ModelAnalyser::failed, this, [this](const QString& message) {
    m_showMessage(tr("Could not analyse the model"), message);
  });

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
  m_analyseAction->setEnabled(m_model.canEncode);
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

void MainWindow::analyseWithDataset() {
  if (!m_model.isValid()) return;
  QStringList specs = boundDatasets(m_model);
  const QString preferred = m_analysisDocks->analysis()->defaultSpec();
  if (!preferred.isEmpty() && !specs.contains(preferred)) specs.prepend(preferred);
  for (const char* known :
       {"fashion-mnist:train", "fashion-mnist:test", "faces:seed=1,count=20000"})
    if (!specs.contains(QLatin1String(known))) specs << QLatin1String(known);
  bool ok = false;
  const QString spec = QInputDialog::getItem(
      this, tr("Analyse with a Data Set"),
      tr("Data set: one of these, folder:DIR, celeba:DIR or idx:IMAGES[:LABELS]"), specs, 0,
      /*editable=*/true, &ok);
  if (ok) startAnalysis(spec);
}

bool MainWindow::startAnalysis(const QString& spec) {
  QString why;
  if (!m_analyser->start(m_model, spec, &why)) {
    m_showMessage(tr("Cannot analyse the model"), why);
    return false;
  }
  auto* dialog = new QProgressDialog(tr("Analysing %1 with %2…").arg(m_model.name, spec),
                                     tr("Cancel"), 0, 1000, this);
  dialog->setWindowTitle(tr("Analyse with a Data Set"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setMinimumDuration(500);
  BackgroundJob* job = m_analyser->job();
  connect(job, &BackgroundJob::progress, dialog, [dialog](double fraction, const QString& text) {
    dialog->setValue(int(fraction * 1000));
    if (!text.isEmpty()) dialog->setLabelText(text);
  });
  connect(dialog, &QProgressDialog::canceled, job, &BackgroundJob::cancel);
  for (auto done : {&BackgroundJob::succeeded, &BackgroundJob::cancelled})
    connect(job, done, dialog, &QProgressDialog::close);
  connect(job, &BackgroundJob::failed, dialog, &QProgressDialog::close);
  return true;
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

void MainWindow::addSelectionAttribute(const QString& name, const std::vector<float>& direction) {
  m_attributes->addAttribute(name, direction);
  try {
    const StoredAnalysis stored = storeAnalysis(m_model, [&](ModelInfo& info) {
      AttributeVector attribute;
      attribute.direction = direction;
      attribute.method = "user";
      attribute.source = "latent map selection";
      info.attributes[name.toStdString()] = attribute;
    });
    statusBar()->showMessage(tr("Attribute %1 stored in %2").arg(name, stored.path), 5000);
    if (!stored.notes.isEmpty())
      m_showMessage(tr("Attribute stored"), stored.notes.join(QLatin1Char('\n')));
  } catch (const std::exception& e) {
    // The slider stays for this session; the user learns why it will not come back.
    m_showMessage(tr("Could not store the attribute"), QString::fromStdString(e.what()));
  }
}

}  // namespace latentlab::ui
