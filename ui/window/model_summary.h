#pragma once
// What the widgets know about the loaded model: plain Qt/std values, no tensors, so it can cross
// from the render worker's thread to the UI thread in a queued signal.
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace latentlab {
class Model;
struct ModelInfo;
struct LoadedModel;
}  // namespace latentlab

namespace latentlab::ui {

struct ModelSummary {
  // Rises with every model the worker loads; render requests carry it so that a latent meant for
  // the previous model is dropped instead of failing on the new one.
  quint64 generation = 0;
  QString path;
  QString name;
  QString kind;          // "vae" or "gan"
  QString architecture;  // "conv-vae", "dcgan", "torchscript"
  QString device;        // "cpu", "cuda:0"
  int latentDim = 0;
  int channels = 0;
  int height = 0;
  int width = 0;
  bool canEncode = false;
  bool canDiscriminate = false;
  QStringList attributeNames;                        // sorted by name
  std::vector<std::vector<float>> attributeVectors;  // one per name, latentDim floats each
  // The whole model card (provenance, labels, GMM) for panels that need more; include
  // core/model/model_info.h in the .cpp that reads it.
  std::shared_ptr<const ModelInfo> info;
  // The loaded model itself, for background jobs (strips, encoding, inversion) that run beside
  // the render worker: inference is thread-safe (core/model/model.h). Include core/model/model.h to
  // use it.
  std::shared_ptr<Model> model;
  // The file as core opened it (core/model/model_file.h): where its analysis lives, its hash and
  // stamp. Shared by every copy of the summary and changed only on the UI thread, by
  // storeAnalysis (ui/analysis/model_store.h), so analysis stored twice accumulates.
  std::shared_ptr<LoadedModel> file;
  QString analysisPath;  // the analysis store laid over the model's own metadata ("" when none)
  QStringList warnings;  // stores found but not applied (unreadable, made for other bytes)
  QStringList adapted;   // how a TorchScript module was fitted to the contract

  bool isValid() const { return generation != 0; }
};

}  // namespace latentlab::ui

Q_DECLARE_METATYPE(latentlab::ui::ModelSummary)
