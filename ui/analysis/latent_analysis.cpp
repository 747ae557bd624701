#include "ui/analysis/latent_analysis.h"

#include <torch/torch.h>

#include <QFileInfo>
#include <QSettings>
#include <algorithm>

#include "core/common/tensor_values.h"
#include "core/fitting/attributes.h"
#include "core/model/model.h"
#include "core/model/model_info.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/analysis/model_store.h"

namespace latentlab::ui {

namespace {

const char* const kDatasetsKey = "analysis/datasets";  // model path -> data set spec

torch::Tensor rows(const torch::Tensor& means, const std::vector<int>& indices) {
  return means.index_select(
      0, torch::tensor(std::vector<int64_t>(indices.begin(), indices.end()), torch::kInt64));
}

}  // namespace

LatentAnalysis::LatentAnalysis(QObject* parent)
    : QObject(parent),
      m_data(std::make_shared<const LatentAnalysisData>()),
      m_encodeJob(new BackgroundJob(this)) {
  connect(m_encodeJob, &BackgroundJob::succeeded, this, &LatentAnalysis::onEncoded);
}

LatentAnalysis::~LatentAnalysis() = default;

void LatentAnalysis::setModel(const ModelSummary& model) {
  m_encodeJob->cancel();  // its result belongs to the old model and is dropped in onEncoded
  m_model = model;
  m_spec.clear();
  m_pending.reset();
  ++m_detailsGeneration;  // a running details job belongs to the old model too
  m_detailsPending = false;
  auto data = std::make_shared<LatentAnalysisData>();
  if (model.info && model.info->gmm) {
    try {
      data->gmm =
          makeAnalysisGmm(Gmm::from_info(*model.info->gmm),
                          model.analysisPath.isEmpty()
                              ? tr("stored in the checkpoint")
                              : tr("stored in %1").arg(QFileInfo(model.analysisPath).fileName()),
                          true);
    } catch (const std::exception&) {
      // A checkpoint whose mixture is unusable opens anyway: the panels simply show no GMM.
    }
  }
  m_data = std::move(data);
  emit embeddingChanged();
  emit gmmChanged();
}

QString LatentAnalysis::defaultSpec() const {
  const QStringList bound = boundDatasets(m_model);
  if (!bound.isEmpty()) return bound.front();
  const QVariantMap remembered = QSettings().value(kDatasetsKey).toMap();
  if (remembered.contains(m_model.path)) return remembered.value(m_model.path).toString();
  if (m_model.info && !m_model.info->provenance.data.empty())
    return QString::fromStdString(m_model.info->provenance.data);
  if (m_model.channels == 1 && m_model.height == 28 && m_model.width == 28)
    return QStringLiteral("fashion-mnist:train");
  return {};
}

bool LatentAnalysis::encode(const QString& spec, QString* why) {
  auto refuse = [why](const QString& text) {
    if (why) *why = text;
    return false;
  };
  if (!m_model.isValid() || !m_model.model) return refuse(tr("Open a model first."));
  if (!m_model.canEncode)
    return refuse(
        tr("%1 has no encoder (a GAN), so data set images have no place in its latent space.")
            .arg(m_model.name));
  if (spec.trimmed().isEmpty())
    return refuse(
        tr("Type a data set: fashion-mnist:train, idx:IMAGES[:LABELS], folder:DIR, celeba:DIR or "
           "faces:seed=S,count=N."));
  if (m_encodeJob->isRunning()) return refuse(tr("An encoding is still running."));

  auto result = std::make_shared<LatentAnalysisData>();
  m_pending = result;
  const std::shared_ptr<Model> model = m_model.model;
  const QString absolute = absoluteSpec(spec);
  EmbeddingKey key{m_model.path.toStdString(), absolute.toStdString(), dataset_options_for(*model)};
  m_encodeJob->setProperty("spec", absolute);
  m_encodeJob->setProperty("generation", m_model.generation);
  m_encodeJob->start([result, model, key, absolute](BackgroundJob& job) mutable {
    // A generated data set (faces:...) is rendered into the cache on its first use.
    key.data_options.on_progress = preparingProgress(job, absolute);
    const auto open = [&result, &key] {
      result->dataset = open_dataset(key.data_spec, key.data_options);
      return result->dataset;
    };
    EmbedOptions options;
    options.progress = [&job](int64_t done, int64_t total) {
      job.reportProgress(double(done) / double(std::max<int64_t>(total, 1)),
                         tr("Encoding %1 of %2 images").arg(done).arg(total));
      return !job.isCancelled();
    };
    result->embedding = embed_dataset(*model, key, open, options);
    if (result->embedding.means.size(0) >= 2) result->pca = fit_pca(result->embedding.means, 2);
  });
  return true;
}

void LatentAnalysis::onEncoded() {
  if (!m_pending || m_encodeJob->property("generation").toULongLong() != m_model.generation) return;
  auto data = std::make_shared<LatentAnalysisData>(std::move(*m_pending));
  m_pending.reset();
  // The mixture stays; its per-point values belong to the old points and come back with the
  // details.
  if (m_data->gmm) data->gmm = reevaluate(*m_data->gmm, {});
  m_data = std::move(data);
  m_spec = m_encodeJob->property("spec").toString();
  QSettings settings;
  QVariantMap remembered = settings.value(kDatasetsKey).toMap();
  remembered.insert(m_model.path, m_spec);
  settings.setValue(kDatasetsKey, remembered);
  bindEncodedDataset();
  m_detailsPending = true;
  emit embeddingChanged();
  emit gmmChanged();
  startDetails();
}

void LatentAnalysis::bindEncodedDataset() {
  // The map's data set becomes the model's default (here and for the CLI's --data), stored with
  // its analysis; a model whose analysis cannot be stored still shows its map.
  try {
    StoredAnalysis stored;
    if (bindDataset(m_model, m_spec, &stored) && !stored.notes.isEmpty())
      emit noticeRequested(stored.notes.join(QLatin1Char('\n')));
  } catch (const std::exception& e) {
    emit noticeRequested(tr("The data set was not bound to the model: %1").arg(e.what()));
  }
}

void LatentAnalysis::startDetails() {
  const quint64 generation = ++m_detailsGeneration;
  const auto gmm = m_data->gmm;
  const torch::Tensor means = m_data->embedding.means;
  const std::shared_ptr<const Dataset> opened = m_data->dataset;
  const EmbeddingKey key{m_model.path.toStdString(), m_spec.toStdString(),
                         dataset_options_for(*m_model.model)};
  auto result = std::make_shared<LatentAnalysisData>();
  auto* job = new BackgroundJob(this);
  connect(job, &BackgroundJob::succeeded, this, [this, generation, gmm, result] {
    if (generation != m_detailsGeneration) return;
    auto data = std::make_shared<LatentAnalysisData>(*m_data);
    data->dataset = result->dataset;
    // A mixture fitted meanwhile came with its own values.
    const bool evaluated = result->gmm && m_data->gmm == gmm;
    if (evaluated) data->gmm = result->gmm;
    m_data = std::move(data);
    m_detailsPending = false;
    emit detailsReady();
    if (evaluated) emit gmmChanged();
  });
  connect(job, &BackgroundJob::failed, this, [this, generation](const QString& message) {
    if (generation != m_detailsGeneration) return;
    m_detailsPending = false;
    emit detailsReady();  // the map works without thumbnails
    emit detailsFailed(message);
  });
  connect(job, &BackgroundJob::succeeded, job, &QObject::deleteLater);
  connect(job, &BackgroundJob::failed, job, &QObject::deleteLater);
  connect(job, &BackgroundJob::cancelled, job, &QObject::deleteLater);
  job->start([result, gmm, means, opened, key](BackgroundJob&) {
    result->dataset =
        opened ? opened
               : std::shared_ptr<const Dataset>(open_dataset(key.data_spec, key.data_options));
    if (gmm) result->gmm = reevaluate(*gmm, means);
  });
}

bool LatentAnalysis::hasEmbedding() const { return m_data->embedding.means.defined(); }

bool LatentAnalysis::fromCache() const { return m_data->embedding.from_cache; }

int LatentAnalysis::size() const {
  return hasEmbedding() ? int(m_data->embedding.means.size(0)) : 0;
}

QStringList LatentAnalysis::classNames() const {
  QStringList out;
  for (const auto& name : m_data->embedding.class_names) out << QString::fromStdString(name);
  return out;
}

QStringList LatentAnalysis::attributeNames() const {
  QStringList out;
  for (const auto& name : m_data->embedding.attribute_names) out << QString::fromStdString(name);
  return out;
}

QStringList LatentAnalysis::axisAttributeNames() const {
  QStringList out;
  if (!m_model.info || !hasEmbedding()) return out;
  for (const auto& [name, direction] : attribute_directions(*m_model.info, m_data->embedding))
    out << QString::fromStdString(name);
  return out;
}

std::vector<float> LatentAnalysis::latent(int index) const {
  return tensor_values<float>(m_data->embedding.means[index]);
}

std::vector<float> LatentAnalysis::meanLatent(const std::vector<int>& indices) const {
  return tensor_values<float>(rows(m_data->embedding.means, indices).mean(0));
}

std::vector<float> LatentAnalysis::selectionAttribute(const std::vector<int>& with,
                                                      const std::vector<int>& without) const {
  const auto& means = m_data->embedding.means;
  return user_attribute(rows(means, with), rows(means, without),
                        "latent map selection of " + m_spec.toStdString())
      .direction;
}

QImage LatentAnalysis::image(int index) const {
  return m_model.model ? pointImage(*m_data, m_model.model->output_range(), index) : QImage();
}

QString LatentAnalysis::itemCaption(int index) const { return pointCaption(*m_data, index); }

bool LatentAnalysis::hasGmm() const { return m_data->gmm != nullptr; }

QString LatentAnalysis::gmmSource() const { return m_data->gmm ? m_data->gmm->source : QString(); }

void LatentAnalysis::setGmm(std::shared_ptr<const AnalysisGmm> gmm) {
  auto data = std::make_shared<LatentAnalysisData>(*m_data);
  data->gmm = std::move(gmm);
  m_data = std::move(data);
  emit gmmChanged();
}

}  // namespace latentlab::ui
