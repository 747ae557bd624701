#include "ui/render/render_worker.h"

#include <c10/util/Exception.h>
#include <torch/torch.h>

#include <QElapsedTimer>
#include <algorithm>

#include "core/common/error.h"
#include "core/model/device.h"
#include "core/model/model_file.h"
#include "ui/render/tensor_image.h"

namespace latentlab::ui {

namespace {

// Intra-op threads for one decode on the render thread. A single image decodes in about a
// millisecond; a second OpenMP thread gains little there and stalls a frame for tens of
// milliseconds whenever the other core is busy (measured on 2 cores while compilers ran: the
// 1x28x28 VAE took 0.7 ms with 1 thread, 100 ms with 2). LATENTLAB_RENDER_THREADS overrides.
int renderThreads() {
  const int fromEnv = qEnvironmentVariableIntValue("LATENTLAB_RENDER_THREADS");
  return fromEnv > 0 ? fromEnv : 1;
}

// LibTorch's OpenMP thread count is per thread, so the render thread sets its own the first
// time it works. (It also becomes the seed for threads that have not run an op yet: batch jobs
// on other threads call configure_threads() for theirs.)
void prepareRenderThread() {
  static thread_local bool prepared = false;
  if (prepared) return;
  prepared = true;
  torch::set_num_threads(renderThreads());
}

}  // namespace

struct RenderWorker::State {
  std::shared_ptr<Model> model;
  quint64 generation = 0;
  OutputRange range;
  QImage buffer;  // reused by every frame; what leaves the thread is a copy
  QString lastError;
};

RenderWorker::RenderWorker(QObject* parent) : QObject(parent), m_state(std::make_unique<State>()) {
  qRegisterMetaType<latentlab::ui::ModelSummary>();
}

RenderWorker::~RenderWorker() = default;

quint64 RenderWorker::requestRender(quint64 generation, std::vector<float> latent) {
  QMutexLocker lock(&m_mutex);
  m_pendingId = ++m_lastId;
  m_pendingGeneration = generation;
  m_pendingLatent = std::move(latent);
  m_hasPending = true;
  // Wake the worker once; later requests only overwrite the slot until it has taken it.
  if (!m_wakeQueued) {
    m_wakeQueued = true;
    QMetaObject::invokeMethod(this, &RenderWorker::renderPending, Qt::QueuedConnection);
  }
  return m_pendingId;
}

void RenderWorker::requestLoad(const QString& path, const QString& device) {
  QMetaObject::invokeMethod(
      this, [this, path, device] { loadModel(path, device); }, Qt::QueuedConnection);
}

void RenderWorker::renderPending() {
  quint64 id = 0;
  quint64 generation = 0;
  std::vector<float> latent;
  {
    QMutexLocker lock(&m_mutex);
    m_wakeQueued = false;
    if (!m_hasPending) return;
    m_hasPending = false;
    id = m_pendingId;
    generation = m_pendingGeneration;
    latent.swap(m_pendingLatent);
  }
  State& s = *m_state;
  if (!s.model || generation != s.generation) return;  // meant for a model since replaced
  prepareRenderThread();

  QElapsedTimer timer;
  timer.start();
  try {
    // InferenceMode is thread-local: open it on this thread (the model opens its own too).
    torch::InferenceMode guard;
    const auto z = torch::from_blob(latent.data(), {1, int64_t(latent.size())}, torch::kFloat32);
    const auto images = s.model->decode(z);  // float32 CPU [1, C, H, W]
    tensorToImage(images[0], s.range, s.buffer);
    ++m_renderCount;
    s.lastError.clear();
    emit imageReady(id, s.buffer.copy(), double(timer.nsecsElapsed()) / 1e6);
    if (s.model->can_discriminate()) {
      bool newerWaiting = false;
      {
        QMutexLocker lock(&m_mutex);
        newerWaiting = m_hasPending;
      }
      if (!newerWaiting) emit realismScored(id, s.model->discriminate(images)[0].item<double>());
    }
  } catch (const c10::Error& e) {
    reportFailure(id, QString::fromStdString(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    reportFailure(id, QString::fromStdString(e.what()));
  }
}

void RenderWorker::reportFailure(quint64 id, const QString& message) {
  // While a slider drags into a bad region every frame fails the same way: say it once.
  if (message == m_state->lastError) return;
  m_state->lastError = message;
  emit failed(id, message);
}

namespace {

ModelSummary summarize(const LoadedModel& loaded, quint64 generation) {
  const Model& model = *loaded.model;
  const ModelInfo& info = loaded.info;
  ModelSummary s;
  s.generation = generation;
  s.path = QString::fromStdString(loaded.path);
  s.name = QString::fromStdString(info.name);
  s.kind = QString::fromStdString(to_string(model.kind()));
  s.architecture = QString::fromStdString(info.architecture);
  s.device = QString::fromStdString(device_name(model.device()));
  s.latentDim = int(model.latent_dim());
  s.channels = int(model.image_shape().channels);
  s.height = int(model.image_shape().height);
  s.width = int(model.image_shape().width);
  s.canEncode = model.can_encode();
  s.canDiscriminate = model.can_discriminate();
  for (const auto& [name, attribute] : info.attributes) {  // std::map: sorted by name
    if (int(attribute.direction.size()) != s.latentDim) continue;
    s.attributeNames << QString::fromStdString(name);
    s.attributeVectors.push_back(attribute.direction);
  }
  s.info = std::make_shared<const ModelInfo>(info);
  s.model = loaded.model;
  s.file = std::make_shared<LoadedModel>(loaded);
  s.analysisPath = QString::fromStdString(loaded.analysis_path);
  for (const auto& warning : loaded.warnings) s.warnings << QString::fromStdString(warning);
  for (const auto& line : info.adapted) s.adapted << QString::fromStdString(line);
  return s;
}

}  // namespace

void RenderWorker::loadModel(const QString& path, const QString& device) {
  prepareRenderThread();
  try {
    LoadedModel loaded = load_model(path.toStdString(), device.toStdString());
    const int channels = int(loaded.model->image_shape().channels);
    if (channels != 1 && channels != 3)
      throw CheckpointError(path.toStdString() + ": images with " + std::to_string(channels) +
                            " channels cannot be shown (1 or 3 expected)");
    // A trial decode proves the model and warms its allocations, so the first slider move is
    // as fast as the rest.
    {
      torch::InferenceMode guard;
      loaded.model->decode(torch::zeros({1, loaded.model->latent_dim()}));
    }
    State& s = *m_state;
    // Replace the model only once the new one is known to be good.
    s.model = loaded.model;
    s.range = loaded.model->output_range();
    s.lastError.clear();
    ++s.generation;
    emit modelLoaded(summarize(loaded, s.generation));
  } catch (const c10::Error& e) {
    emit loadFailed(path, QString::fromStdString(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    emit loadFailed(path, QString::fromStdString(e.what()));
  }
}

}  // namespace latentlab::ui
