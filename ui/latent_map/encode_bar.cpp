#include "ui/latent_map/encode_bar.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>

#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/model_store.h"

namespace latentlab::ui {

namespace {

// Offered in the box beside the data sets bound to the model: the ones every machine has or can
// make (the bundled faces models were trained on the first 20,000 faces of seed 1).
const char* const kKnownSpecs[] = {"fashion-mnist:train", "fashion-mnist:test",
                                   "faces:seed=1,count=20000"};

}  // namespace

EncodeBar::EncodeBar(LatentAnalysis* analysis, QWidget* parent)
    : QWidget(parent), m_analysis(analysis) {
  m_clock.start();
  m_dataset = new QComboBox(this);
  m_dataset->setObjectName(QStringLiteral("dataset"));
  m_dataset->setEditable(true);
  m_dataset->setInsertPolicy(QComboBox::InsertAtTop);
  m_dataset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  m_dataset->setMinimumContentsLength(16);
  for (const char* spec : kKnownSpecs) m_dataset->addItem(QString::fromLatin1(spec));
  m_dataset->setToolTip(
      tr("The data set to place in the latent space: fashion-mnist[:train|:test|:all], "
         "idx:IMAGES[:LABELS], folder:DIR (labels from sub-folders), celeba:DIR or "
         "faces:seed=S,count=N (synthetic faces, rendered once into the cache). Once encoded it "
         "is bound to the model and offered first next time."));
  auto* browse = new QToolButton(this);
  browse->setObjectName(QStringLiteral("browseDataset"));
  browse->setText(tr("…"));
  browse->setToolTip(tr("Choose a folder of images, a CelebA folder or IDX files"));
  browse->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(browse);
  menu->addAction(tr("Image Folder (classes from sub-folders)…"), this,
                  [this] { chooseFolder(QStringLiteral("folder")); });
  menu->addAction(tr("CelebA Folder…"), this, [this] { chooseFolder(QStringLiteral("celeba")); });
  menu->addAction(tr("IDX Files…"), this, &EncodeBar::chooseIdxFiles);
  browse->setMenu(menu);
  m_encode = new QPushButton(tr("Encode"), this);
  m_encode->setObjectName(QStringLiteral("encode"));
  m_encode->setToolTip(
      tr("Encode the data set with the model (read from the cache when it was encoded before)"));
  m_progress = new QProgressBar(this);
  m_progress->setRange(0, 1000);
  m_progress->setTextVisible(true);
  m_progress->hide();
  m_cancel = new QPushButton(tr("Cancel"), this);
  m_cancel->setObjectName(QStringLiteral("cancelEncode"));
  m_cancel->hide();
  m_status = new QLabel(this);
  m_status->setObjectName(QStringLiteral("status"));

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Data set:"), this));
  layout->addWidget(m_dataset, 1);
  layout->addWidget(browse);
  layout->addWidget(m_encode);
  layout->addWidget(m_progress, 1);
  layout->addWidget(m_cancel);
  layout->addWidget(m_status);

  BackgroundJob* job = m_analysis->encodeJob();
  connect(m_encode, &QPushButton::clicked, this, &EncodeBar::encode);
  connect(m_dataset->lineEdit(), &QLineEdit::returnPressed, this, &EncodeBar::encode);
  connect(m_cancel, &QPushButton::clicked, job, &BackgroundJob::cancel);
  connect(job, &BackgroundJob::progress, this, [this](double fraction, const QString& text) {
    m_progress->setValue(int(fraction * 1000));
    m_progress->setFormat(text);
  });
  auto finished = [this] {
    m_progress->hide();
    m_cancel->hide();
    m_encode->setEnabled(true);
  };
  connect(job, &BackgroundJob::succeeded, this, finished);
  connect(job, &BackgroundJob::cancelled, this, [this, finished] {
    finished();
    m_status->setText(tr("Encoding cancelled"));
  });
  connect(job, &BackgroundJob::failed, this, [this, finished](const QString& message) {
    finished();
    m_status->setText(tr("Encoding failed"));
    emit messageRequested(tr("Could not encode the data set"), message);
  });
  connect(m_analysis, &LatentAnalysis::embeddingChanged, this, &EncodeBar::onEmbeddingChanged);
  connect(m_analysis, &LatentAnalysis::detailsReady, this, &EncodeBar::updateStatus);
  connect(m_analysis, &LatentAnalysis::detailsFailed, this, [this](const QString& message) {
    m_encodedText += tr(" · no thumbnails");
    m_status->setToolTip(message);
    updateStatus();
  });
  onEmbeddingChanged();
}

void EncodeBar::encode() {
  QString why;
  m_clock.start();
  if (!m_analysis->encode(m_dataset->currentText(), &why)) {
    emit messageRequested(tr("Cannot encode a data set"), why);
    return;
  }
  m_encode->setEnabled(false);
  m_progress->setValue(0);
  m_progress->setFormat(tr("Opening %1…").arg(m_dataset->currentText()));
  m_progress->show();
  m_cancel->show();
  m_status->clear();
  m_status->setToolTip(QString());
}

void EncodeBar::chooseFolder(const QString& kind) {
  const QString dir = QFileDialog::getExistingDirectory(
      this, kind == QLatin1String("celeba") ? tr("CelebA Folder") : tr("Image Folder"));
  if (!dir.isEmpty()) setSpec(kind + QLatin1Char(':') + dir);
}

void EncodeBar::chooseIdxFiles() {
  const QString filter = tr("IDX files (*-ubyte *-ubyte.gz *.idx *.idx.gz);;All files (*)");
  const QString images = QFileDialog::getOpenFileName(this, tr("IDX Images"), {}, filter);
  if (images.isEmpty()) return;
  const QString labels = QFileDialog::getOpenFileName(this, tr("IDX Labels (Cancel for none)"),
                                                      QFileInfo(images).path(), filter);
  setSpec(QStringLiteral("idx:") + images + (labels.isEmpty() ? QString() : ":" + labels));
}

void EncodeBar::setSpec(const QString& spec) {
  if (m_dataset->findText(spec) < 0) m_dataset->insertItem(0, spec);
  m_dataset->setCurrentText(spec);
}

void EncodeBar::onEmbeddingChanged() {
  for (const QString& spec : boundDatasets(m_analysis->model()))
    if (m_dataset->findText(spec) < 0) m_dataset->addItem(spec);
  const bool has = m_analysis->hasEmbedding();
  const QString spec = has ? m_analysis->spec() : m_analysis->defaultSpec();
  if (!spec.isEmpty()) setSpec(spec);
  const ModelSummary& model = m_analysis->model();
  m_encode->setEnabled(model.canEncode && !m_analysis->encodeJob()->isRunning());
  const double seconds = double(m_clock.elapsed()) / 1000.0;
  if (has)
    m_encodedText =
        m_analysis->fromCache()
            ? tr("%L1 points, from the cache (%2 s)")
                  .arg(m_analysis->size())
                  .arg(seconds, 0, 'f', 2)
            : tr("%L1 points, encoded in %2 s").arg(m_analysis->size()).arg(seconds, 0, 'f', 1);
  else
    m_encodedText = model.isValid() && !model.canEncode
                        ? tr("A GAN has no encoder: no data set map")
                        : tr("Not encoded yet");
  updateStatus();
}

void EncodeBar::updateStatus() {
  m_status->setText(m_analysis->detailsPending() ? tr("%1 · reading the images…").arg(m_encodedText)
                                                 : m_encodedText);
}

}  // namespace latentlab::ui
