#include "ui/analysis/model_store.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "core/analysis/embedding.h"
#include "core/common/error.h"
#include "core/data/dataset_spec_paths.h"
#include "core/fitting/analyse.h"
#include "core/model/model_analysis.h"
#include "core/model/model_file.h"
#include "ui/analysis/background_job.h"

namespace latentlab::ui {

StoredAnalysis storeAnalysis(const ModelSummary& model,
                             const std::function<void(ModelInfo&)>& change) {
  if (!model.file) throw InputError("no model is open");
  ModelInfo info = model.file->info;
  change(info);
  const SavedAnalysis saved = save_analysis(*model.file, info);
  StoredAnalysis out{QString::fromStdString(saved.path), {}};
  for (const auto& note : saved.notes) out.notes << QString::fromStdString(note);
  return out;
}

QStringList boundDatasets(const ModelSummary& model) {
  QStringList specs;
  if (model.file)
    for (const auto& spec : model.file->info.datasets) specs << QString::fromStdString(spec);
  return specs;
}

QString absoluteSpec(const QString& spec) {
  return QString::fromStdString(
      resolve_dataset_spec(spec.trimmed().toStdString(), std::filesystem::current_path().string()));
}

bool bindDataset(const ModelSummary& model, const QString& spec, StoredAnalysis* stored) {
  const QString absolute = absoluteSpec(spec);
  const QStringList bound = boundDatasets(model);
  if (!model.file || (!bound.isEmpty() && bound.front() == absolute)) return false;
  const StoredAnalysis out = storeAnalysis(
      model, [&absolute](ModelInfo& info) { bind_dataset(info, absolute.toStdString()); });
  if (stored) *stored = out;
  return true;
}

std::function<bool(int64_t, int64_t)> preparingProgress(BackgroundJob& job, const QString& spec) {
  return [&job, spec](int64_t done, int64_t total) {
    job.reportProgress(
        double(done) / double(std::max<int64_t>(total, 1)),
        BackgroundJob::tr("Rendering %1: %2 of %3 images (once)").arg(spec).arg(done).arg(total));
    return !job.isCancelled();
  };
}

struct ModelAnalyser::Work {
  QString spec;
  std::optional<AnalyseResult> result;  // set by the job
};

namespace {

QString reportText(const AnalyseResult& r) {
  QString text;
  if (!r.attributes_note.empty()) text += QString::fromStdString(r.attributes_note) + "\n";
  for (const auto& a : r.attributes)
    text += ModelAnalyser::tr("%1: held-out accuracy %2 (balanced %3)\n")
                .arg(QString::fromStdString(a.name))
                .arg(a.vector.accuracy.value_or(0.0), 0, 'f', 3)
                .arg(a.balanced_accuracy, 0, 'f', 3);
  text += ModelAnalyser::tr("\nK\tBIC\n");
  const int64_t best = best_components(r.bic);
  for (const auto& p : r.bic)
    text += QStringLiteral("%1\t%2%3\n")
                .arg(p.components)
                .arg(p.bic, 0, 'f', 1)
                .arg(p.components == best ? ModelAnalyser::tr("  ← lowest") : QString());
  return text;
}

}  // namespace

ModelAnalyser::ModelAnalyser(QObject* parent) : QObject(parent), m_job(new BackgroundJob(this)) {
  connect(m_job, &BackgroundJob::succeeded, this, [this] {
    const auto work = m_work;
    try {
      const std::string spec = work->spec.toStdString();
      const StoredAnalysis stored = storeAnalysis(m_model, [&work, &spec](ModelInfo& info) {
        apply_analyse_result(info, *work->result);
        bind_dataset(info, spec);
      });
      emit analysed(stored, reportText(*work->result));
    } catch (const std::exception& e) {
      emit failed(QString::fromStdString(e.what()));
    }
  });
  connect(m_job, &BackgroundJob::failed, this, &ModelAnalyser::failed);
}

ModelAnalyser::~ModelAnalyser() = default;

bool ModelAnalyser::start(const ModelSummary& model, const QString& spec, QString* why) {
  auto refuse = [why](const QString& text) {
    if (why) *why = text;
    return false;
  };
  if (!model.isValid() || !model.model || !model.file) return refuse(tr("Open a model first."));
  if (!model.canEncode)
    return refuse(tr("%1 has no encoder (a GAN): data set images have no place in its latent "
                     "space to analyse.")
                      .arg(model.name));
  if (spec.trimmed().isEmpty()) return refuse(tr("Choose a data set."));
  if (m_job->isRunning()) return refuse(tr("An analysis is still running."));
  m_model = model;
  m_work = std::make_shared<Work>();
  m_work->spec = absoluteSpec(spec);
  const auto work = m_work;
  const std::shared_ptr<Model> net = model.model;
  const std::string path = model.path.toStdString();
  return m_job->start([work, net, path](BackgroundJob& job) {
    const std::string spec = work->spec.toStdString();
    EmbeddingKey key{path, spec, dataset_options_for(*net)};
    key.data_options.on_progress = preparingProgress(job, work->spec);
    EmbedOptions embed;
    embed.progress = [&job](int64_t done, int64_t total) {
      job.reportProgress(0.5 * double(done) / double(std::max<int64_t>(total, 1)),
                         tr("Encoding %1 of %2 images").arg(done).arg(total));
      return !job.isCancelled();
    };
    const Embedding e = embed_dataset(
        *net, key, [&key] { return open_dataset(key.data_spec, key.data_options); }, embed);
    AnalyseOptions options;
    options.attributes.source = spec;
    options.gmm.max_samples = 20000;
    options.gmm.device = net->device();
    options.gmm.progress = [&job](int64_t done, int64_t total) {
      job.reportProgress(0.5 + 0.5 * double(done) / double(std::max<int64_t>(total, 1)),
                         tr("Fitting GMMs for K = 1..8 (BIC), then the best"));
      return !job.isCancelled();
    };
    work->result = analyse_embedding(e, options);
  });
}

}  // namespace latentlab::ui
