#pragma once
// What the GUI works out about a model (a GMM, attribute vectors, the data set of its map) stored
// where the model's analysis lives (core/model/model_analysis.h: inside a LatentLab checkpoint,
// beside any other model as MODEL.latentlab, else in the per-user folder), and the guided
// "Analyse with a Data Set" (core/fitting/analyse.h, as `latentlab-cli analyse`) run in a
// BackgroundJob. LibTorch stays in the .cpp: widgets include this header.
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

#include "ui/window/model_summary.h"

namespace latentlab {
struct ModelInfo;
}  // namespace latentlab

namespace latentlab::ui {

class BackgroundJob;

struct StoredAnalysis {
  QString path;       // where it went
  QStringList notes;  // what the user should be told (a fallback folder, a store set aside)
};

// Applies change to the model's analysis as last stored and stores it; UI thread only (it updates
// model.file, shared by every copy of the summary). Throws core's error naming the file.
StoredAnalysis storeAnalysis(const ModelSummary& model,
                             const std::function<void(ModelInfo&)>& change);

// The data sets bound to the model, most recent first (paths absolute).
QStringList boundDatasets(const ModelSummary& model);
// spec with its relative paths made absolute against the working folder, as it is bound.
QString absoluteSpec(const QString& spec);
// Binds spec (absoluteSpec) to the model unless it is the first bound already: true when it
// stored something. Throws like storeAnalysis.
bool bindDataset(const ModelSummary& model, const QString& spec, StoredAnalysis* stored);

// Progress of rendering a generated data set (faces:...) on its first use, for the jobs that open
// data sets: DatasetOptions::on_progress reporting to job.
std::function<bool(int64_t, int64_t)> preparingProgress(BackgroundJob& job, const QString& spec);

// "Analyse with a Data Set": encodes the data set (through the embedding cache), computes
// attribute vectors from its labels and a GMM with K chosen by BIC over 1..8, and stores them
// with the data set bound. Progress and cancel through job().
class ModelAnalyser : public QObject {
  Q_OBJECT

 public:
  explicit ModelAnalyser(QObject* parent = nullptr);
  ~ModelAnalyser() override;

  // False (with the reason in *why) when the model cannot encode or an analysis runs.
  bool start(const ModelSummary& model, const QString& spec, QString* why = nullptr);
  BackgroundJob* job() const { return m_job; }

 signals:
  // Stored at stored.path; report holds the attribute accuracies and the BIC table as text.
  void analysed(const StoredAnalysis& stored, const QString& report);
  void failed(const QString& message);

 private:
  struct Work;
  BackgroundJob* m_job;
  ModelSummary m_model;
  std::shared_ptr<Work> m_work;
};

}  // namespace latentlab::ui
