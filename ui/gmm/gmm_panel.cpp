#include "ui/gmm/gmm_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <memory>

#include "ui/analysis/background_job.h"
#include "ui/analysis/gmm_analysis.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_batch.h"
#include "ui/analysis/typicality_probe.h"
#include "ui/gmm/typicality_meter.h"
#include "ui/widgets/thumbnail_list.h"

namespace latentlab::ui {

namespace {
constexpr int kDefaultComponents = 10;
constexpr int kMaxComponents = 64;
}  // namespace

GmmPanel::GmmPanel(LatentAnalysis* analysis, QWidget* parent)
    : QWidget(parent),
      m_analysis(analysis),
      m_gmm(new GmmAnalysis(analysis, this)),
      m_probe(new TypicalityProbe(analysis, this)) {
  m_source = new QLabel(this);
  m_source->setWordWrap(true);
  m_components = new ThumbnailList(56, /*wrap=*/true, this);
  m_components->setToolTip(
      tr("Each component's mean, decoded, with its weight; click one to load its mean"));
  m_sample = new QPushButton(tr("Sample from component"), this);
  m_sample->setObjectName(QStringLiteral("sample"));
  m_sample->setToolTip(tr("Draw a latent from the selected component and show it"));
  m_store = new QPushButton(tr("Store with model"), this);
  m_store->setObjectName(QStringLiteral("store"));
  m_store->setToolTip(
      tr("Keep this mixture with the model's analysis: inside a LatentLab checkpoint, beside any "
         "other model file (MODEL.latentlab; the model's bytes never change)"));
  m_meter = new TypicalityMeter(this);

  auto* actions = new QHBoxLayout;
  actions->addWidget(m_sample);
  actions->addWidget(m_store);
  actions->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(createFitRow());
  layout->addWidget(m_source);
  layout->addWidget(m_components, 1);
  layout->addLayout(actions);
  layout->addWidget(m_meter);

  connect(m_sample, &QPushButton::clicked, this, &GmmPanel::sampleFromComponent);
  connect(m_store, &QPushButton::clicked, this, &GmmPanel::storeWithModel);
  connect(m_components, &ThumbnailList::thumbnailActivated, this, &GmmPanel::loadMean);
  connect(m_probe, &TypicalityProbe::evaluated, this, [this](const Typicality& typicality) {
    m_meter->setTypicality(typicality, m_analysis->detailsPending());
  });
  connect(m_analysis, &LatentAnalysis::gmmChanged, this, &GmmPanel::onGmmChanged);
  connect(m_analysis, &LatentAnalysis::embeddingChanged, this, [this] {
    m_fit->setEnabled(m_analysis->hasEmbedding() && !fitJob()->isRunning());
    m_sampleSeed = 0;
  });
  m_fit->setEnabled(false);
  onGmmChanged();
}

QLayout* GmmPanel::createFitRow() {
  m_k = new QSpinBox(this);
  m_k->setObjectName(QStringLiteral("components"));
  m_k->setRange(1, kMaxComponents);
  m_k->setValue(kDefaultComponents);
  m_k->setToolTip(tr("Number of Gaussian components"));
  m_covariance = new QComboBox(this);
  m_covariance->setObjectName(QStringLiteral("covariance"));
  m_covariance->addItem(tr("full"), QStringLiteral("full"));
  m_covariance->addItem(tr("diagonal"), QStringLiteral("diag"));
  m_covariance->addItem(tr("spherical"), QStringLiteral("spherical"));
  m_covariance->setToolTip(tr("Shape of each component's covariance matrix"));
  m_fit = new QPushButton(tr("Fit"), this);
  m_fit->setObjectName(QStringLiteral("fit"));
  m_fit->setToolTip(tr("Fit the mixture with EM to the data set encoded in the Latent map"));
  m_progress = new QProgressBar(this);
  m_progress->setRange(0, 0);  // EM reports no progress: a busy indicator
  m_progress->hide();
  m_cancel = new QPushButton(tr("Cancel"), this);
  m_cancel->hide();

  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("K"), this));
  row->addWidget(m_k);
  row->addWidget(m_covariance);
  row->addWidget(m_fit);
  row->addWidget(m_progress, 1);
  row->addWidget(m_cancel);
  row->addStretch(1);

  BackgroundJob* job = fitJob();
  connect(m_fit, &QPushButton::clicked, this, &GmmPanel::fit);
  connect(m_cancel, &QPushButton::clicked, job, &BackgroundJob::cancel);
  auto finished = [this] {
    m_progress->hide();
    m_cancel->hide();
    m_fit->setEnabled(m_analysis->hasEmbedding());
  };
  connect(job, &BackgroundJob::succeeded, this, finished);
  connect(job, &BackgroundJob::cancelled, this, finished);
  connect(job, &BackgroundJob::failed, this, [this, finished](const QString& message) {
    finished();
    emit messageRequested(tr("Could not fit the GMM"), message);
  });
  return row;
}

QProgressBar* GmmPanel::typicalityMeter() const { return m_meter->bar(); }

BackgroundJob* GmmPanel::fitJob() const { return m_gmm->fitJob(); }

bool GmmPanel::isSettled() const { return m_probe->isSettled(); }

void GmmPanel::setFitOptions(int components, const QString& covariance) {
  m_k->setValue(components);
  const int index = m_covariance->findData(covariance);
  if (index >= 0) m_covariance->setCurrentIndex(index);
}

void GmmPanel::fit() {
  if (!m_analysis->hasEmbedding()) {
    emit messageRequested(tr("No data set encoded"),
                          tr("Encode a data set in the Latent map first."));
    return;
  }
  if (!m_gmm->fit(m_k->value(), m_covariance->currentData().toString())) return;
  m_fit->setEnabled(false);
  m_progress->show();
  m_cancel->show();
}

void GmmPanel::onGmmChanged() {
  const GmmSummary gmm = m_gmm->summary();
  m_sample->setEnabled(gmm.isValid());
  m_store->setEnabled(gmm.storable);
  m_source->setText(gmm.isValid() ? tr("%1 components, %2 covariance, %3")
                                        .arg(gmm.components)
                                        .arg(gmm.covariance, gmm.source)
                                  : tr("No mixture: encode a data set in the Latent map, then "
                                       "fit one."));
  // Its values on the points arriving later (the same mixture) need no new thumbnails.
  if (!gmm.isValid() || gmm.serial != m_shownSerial) {
    m_shownSerial = gmm.serial;
    decodeMeans(gmm.means, gmm.weights);
  }
  m_probe->evaluate(m_current);
}

void GmmPanel::decodeMeans(const std::vector<std::vector<float>>& means,
                           const std::vector<double>& weights) {
  const quint64 generation = ++m_decodeGeneration;
  const std::shared_ptr<Model> model = m_analysis->model().model;
  if (means.empty() || !model) {
    m_components->setItems({});
    emit componentsShown();
    return;
  }
  // Decoding runs beside the render worker (inference is thread-safe); only the newest mixture's
  // thumbnails are shown.
  auto* job = new BackgroundJob(this);
  auto images = std::make_shared<std::vector<QImage>>();
  connect(job, &BackgroundJob::succeeded, this, [this, generation, images, weights] {
    if (generation != m_decodeGeneration) return;
    QVector<ThumbnailList::Item> items;
    for (size_t k = 0; k < images->size(); ++k)
      items.append({(*images)[k], tr("#%1\nw %2").arg(k).arg(weights[k], 0, 'f', 3),
                    tr("Component %1, weight %2: click to load its mean")
                        .arg(k)
                        .arg(weights[k], 0, 'f', 4)});
    m_components->setItems(items);
    m_components->setCurrentRow(0);  // "Sample from component" always has one
    emit componentsShown();
  });
  connect(job, &BackgroundJob::failed, this, [this](const QString& message) {
    emit messageRequested(tr("Could not decode the GMM means"), message);
  });
  for (auto signal : {&BackgroundJob::succeeded, &BackgroundJob::cancelled})
    connect(job, signal, job, &QObject::deleteLater);
  connect(job, &BackgroundJob::failed, job, &QObject::deleteLater);
  job->start([model, means, images](BackgroundJob&) { *images = decodeLatents(*model, means); });
}

void GmmPanel::setCurrentLatent(const std::vector<float>& latent) {
  m_current = latent;
  m_probe->evaluate(latent);
}

void GmmPanel::sampleFromComponent() {
  const int k = std::max(0, m_components->currentRow());
  const quint64 seed = m_sampleSeed;
  const std::vector<float> z = m_gmm->sample(k, seed);
  if (z.empty()) return;
  ++m_sampleSeed;
  emit latentRequested(z, tr("Sample from GMM component %1 (seed %2)").arg(k).arg(seed), QImage());
}

void GmmPanel::loadMean(int component) {
  const GmmSummary gmm = m_gmm->summary();
  if (component < 0 || size_t(component) >= gmm.means.size()) return;
  emit latentRequested(gmm.means[size_t(component)],
                       tr("Load GMM component %1's mean").arg(component), QImage());
}

void GmmPanel::storeWithModel() {
  std::optional<StoredAnalysis> stored;
  try {
    stored = m_gmm->store();
  } catch (const std::exception& e) {
    emit messageRequested(tr("Could not store the GMM"), QString::fromStdString(e.what()));
    return;
  }
  if (!stored) return;
  m_store->setEnabled(false);
  m_source->setText(m_source->text() + tr(" — stored in %1").arg(stored->path));
  if (!stored->notes.isEmpty()) emit messageRequested(tr("GMM stored"), stored->notes.join("\n"));
}

}  // namespace latentlab::ui
