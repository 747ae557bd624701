#include "ui/gmm/gmm_panel.h"

#include <torch/torch.h>

#include <QComboBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/model/model.h"
#include "core/model/model_file.h"
#include "core/model/model_info.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/analysis/latent_batch.h"
#include "ui/widgets/thumbnail_list.h"

namespace latentlab::ui {

namespace {

constexpr int kDefaultComponents = 10;
constexpr int kMaxComponents = 64;

std::vector<float> toVector(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

}  // namespace

GmmPanel::GmmPanel(LatentAnalysis* analysis, QWidget* parent)
    : QWidget(parent),
      m_analysis(analysis),
      m_fitJob(new BackgroundJob(this)),
      m_fitResult(std::make_shared<std::shared_ptr<const AnalysisGmm>>()) {
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
  m_source = new QLabel(this);
  m_source->setWordWrap(true);
  m_components = new ThumbnailList(56, /*wrap=*/true, this);
  m_components->setToolTip(
      tr("Each component's mean, decoded, with its weight; click one to load its mean"));
  m_sample = new QPushButton(tr("Sample from component"), this);
  m_sample->setObjectName(QStringLiteral("sample"));
  m_sample->setToolTip(tr("Draw a latent from the selected component and show it"));
  m_store = new QPushButton(tr("Store in checkpoint"), this);
  m_store->setObjectName(QStringLiteral("store"));
  m_store->setToolTip(
      tr("Save this mixture into the model file (the encoding cache is rebuilt next time, "
         "since the file changes)"));
  m_logLikelihood = new QLabel(this);
  m_meter = new QProgressBar(this);
  m_meter->setObjectName(QStringLiteral("typicality"));
  m_meter->setRange(0, 1000);
  m_meter->setToolTip(
      tr("Typicality of the current latent: the share of data set points whose "
         "log-likelihood under the mixture is lower"));

  auto* fitRow = new QHBoxLayout;
  fitRow->addWidget(new QLabel(tr("K"), this));
  fitRow->addWidget(m_k);
  fitRow->addWidget(m_covariance);
  fitRow->addWidget(m_fit);
  fitRow->addWidget(m_progress, 1);
  fitRow->addWidget(m_cancel);
  fitRow->addStretch(1);
  auto* actions = new QHBoxLayout;
  actions->addWidget(m_sample);
  actions->addWidget(m_store);
  actions->addStretch(1);
  auto* meter = new QGridLayout;
  meter->addWidget(new QLabel(tr("Typicality:"), this), 0, 0);
  meter->addWidget(m_meter, 0, 1);
  meter->addWidget(m_logLikelihood, 1, 1);
  meter->setColumnStretch(1, 1);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(fitRow);
  layout->addWidget(m_source);
  layout->addWidget(m_components, 1);
  layout->addLayout(actions);
  layout->addLayout(meter);

  connect(m_fit, &QPushButton::clicked, this, &GmmPanel::fit);
  connect(m_cancel, &QPushButton::clicked, m_fitJob, &BackgroundJob::cancel);
  connect(m_sample, &QPushButton::clicked, this, &GmmPanel::sampleFromComponent);
  connect(m_store, &QPushButton::clicked, this, &GmmPanel::storeInCheckpoint);
  connect(m_components, &ThumbnailList::thumbnailActivated, this, &GmmPanel::loadMean);
  auto finished = [this] {
    m_progress->hide();
    m_cancel->hide();
    m_fit->setEnabled(m_analysis->hasEmbedding());
  };
  connect(m_fitJob, &BackgroundJob::succeeded, this, [this, finished] {
    finished();
    if (*m_fitResult) m_analysis->setGmm(std::move(*m_fitResult));
  });
  connect(m_fitJob, &BackgroundJob::cancelled, this, finished);
  connect(m_fitJob, &BackgroundJob::failed, this, [this, finished](const QString& message) {
    finished();
    emit messageRequested(tr("Could not fit the GMM"), message);
  });
  connect(m_analysis, &LatentAnalysis::gmmChanged, this, &GmmPanel::onGmmChanged);
  connect(m_analysis, &LatentAnalysis::embeddingChanged, this, [this] {
    m_fit->setEnabled(m_analysis->hasEmbedding() && !m_fitJob->isRunning());
    m_sampleSeed = 0;
  });
  m_fit->setEnabled(false);
  onGmmChanged();
}

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
  GmmFitOptions options;
  options.components = m_k->value();
  options.covariance = parse_covariance_type(m_covariance->currentData().toString().toStdString());
  const torch::Tensor means = m_analysis->data().embedding.means;
  const QString source =
      tr("fitted on %1 (%L2 points)").arg(m_analysis->spec()).arg(m_analysis->size());
  auto result = m_fitResult;
  result->reset();
  // EM cannot stop midway: a cancelled fit runs to its end and BackgroundJob drops the result.
  const bool started = m_fitJob->start([means, options, source, result](BackgroundJob&) {
    GmmFit fit = fit_gmm(means, options);
    *result = std::make_shared<const AnalysisGmm>(
        AnalysisGmm{std::move(fit.model), source, false, newGmmSerial(), fit.labels,
                    std::get<0>(fit.log_likelihoods.sort())});
  });
  if (!started) return;
  m_fit->setEnabled(false);
  m_progress->show();
  m_cancel->show();
}

void GmmPanel::onGmmChanged() {
  const auto& gmm = m_analysis->data().gmm;
  const bool has = gmm != nullptr;
  m_sample->setEnabled(has);
  const ModelSummary& model = m_analysis->model();
  m_store->setEnabled(has && !gmm->stored && model.info && model.info->format == "latentlab");
  m_source->setText(has ? tr("%1 components, %2 covariance, %3")
                              .arg(gmm->model.components())
                              .arg(QString::fromStdString(to_string(gmm->model.covariance_type())))
                              .arg(gmm->source)
                        : tr("No mixture: encode a data set in the Latent map, then fit one."));
  // Its values on the points arriving later (the same mixture) need no new thumbnails.
  if (!has || gmm->serial != m_shownSerial) decodeMeans();
  updateMeter();
}

void GmmPanel::decodeMeans() {
  const quint64 generation = ++m_decodeGeneration;
  const auto gmm = m_analysis->data().gmm;
  const std::shared_ptr<Model> model = m_analysis->model().model;
  m_shownSerial = gmm ? gmm->serial : 0;
  if (!gmm || !model) {
    m_components->setItems({});
    emit componentsShown();
    return;
  }
  // Decoding runs beside the render worker (inference is thread-safe); only the newest mixture's
  // thumbnails are shown.
  auto* job = new BackgroundJob(this);
  auto items = std::make_shared<QVector<ThumbnailList::Item>>();
  connect(job, &BackgroundJob::succeeded, this, [this, generation, items] {
    if (generation != m_decodeGeneration) return;
    m_components->setItems(*items);
    m_components->setCurrentRow(0);  // "Sample from component" always has one
    emit componentsShown();
  });
  connect(job, &BackgroundJob::failed, this, [this](const QString& message) {
    emit messageRequested(tr("Could not decode the GMM means"), message);
  });
  for (auto signal : {&BackgroundJob::succeeded, &BackgroundJob::cancelled})
    connect(job, signal, job, &QObject::deleteLater);
  connect(job, &BackgroundJob::failed, job, &QObject::deleteLater);
  job->start([gmm, model, items](BackgroundJob&) {
    std::vector<Latent> means;
    for (int64_t k = 0; k < gmm->model.components(); ++k)
      means.push_back(toVector(gmm->model.means()[k]));
    const std::vector<QImage> images = decodeLatents(*model, means);
    for (size_t k = 0; k < images.size(); ++k) {
      const double w = gmm->model.weights()[int64_t(k)].item<double>();
      items->append(
          {images[k], tr("#%1\nw %2").arg(k).arg(w, 0, 'f', 3),
           tr("Component %1, weight %2: click to load its mean").arg(k).arg(w, 0, 'f', 4)});
    }
  });
}

void GmmPanel::setCurrentLatent(const std::vector<float>& latent) {
  m_current = latent;
  updateMeter();
}

void GmmPanel::updateMeter() {
  const auto& gmm = m_analysis->data().gmm;
  if (!gmm || int64_t(m_current.size()) != gmm->model.dim()) {
    m_meter->setEnabled(false);
    m_meter->setValue(0);
    m_meter->setFormat(tr("no mixture"));
    m_logLikelihood->clear();
    return;
  }
  const double ll = m_analysis->logLikelihood(m_current);
  const double percentile = m_analysis->typicality(ll);
  m_meter->setEnabled(true);
  m_logLikelihood->setText(tr("log p(z) = %1").arg(ll, 0, 'f', 2));
  if (percentile < 0) {
    m_meter->setValue(0);
    m_meter->setFormat(m_analysis->detailsPending() ? tr("evaluating the data set…")
                                                    : tr("encode a data set to compare"));
  } else {
    m_meter->setValue(int(percentile * 10));
    m_meter->setFormat(tr("%1 % of the data set is less likely").arg(percentile, 0, 'f', 1));
  }
}

void GmmPanel::sampleFromComponent() {
  const auto& gmm = m_analysis->data().gmm;
  if (!gmm) return;
  const int k = std::max(0, m_components->currentRow());
  if (k >= gmm->model.components()) return;
  const quint64 seed = m_sampleSeed++;
  const auto z = gmm->model.sample(1, seed, k)[0];
  emit latentRequested(toVector(z), tr("Sample from GMM component %1 (seed %2)").arg(k).arg(seed),
                       QImage());
}

void GmmPanel::loadMean(int component) {
  const auto& gmm = m_analysis->data().gmm;
  if (!gmm || component < 0 || component >= gmm->model.components()) return;
  emit latentRequested(toVector(gmm->model.means()[component]),
                       tr("Load GMM component %1's mean").arg(component), QImage());
}

void GmmPanel::storeInCheckpoint() {
  const auto& gmm = m_analysis->data().gmm;
  const ModelSummary& model = m_analysis->model();
  if (!gmm || !model.info) return;
  ModelInfo info = *model.info;
  info.gmm = gmm->model.to_info();
  try {
    update_checkpoint_info(model.path.toStdString(), info);
  } catch (const std::exception& e) {
    emit messageRequested(tr("Could not store the GMM"), QString::fromStdString(e.what()));
    return;
  }
  m_store->setEnabled(false);
  m_source->setText(m_source->text() + tr(" — stored in %1").arg(QFileInfo(model.path).fileName()));
}

}  // namespace latentlab::ui
