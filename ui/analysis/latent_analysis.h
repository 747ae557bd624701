#pragma once
// What the Latent map and GMM panels study, shared by both: the encoded data set (core's
// embedding cache, computed in a BackgroundJob with progress and cancel) with its PCA plane, the
// data set itself for thumbnails, and the active GMM (the checkpoint's, or one fitted in the GMM
// panel) with every point's component and log-likelihood. Tensors stay behind LatentAnalysisData
// (ui/analysis/latent_analysis_data.h), which only torch sources include; the work that follows
// the live latent (the map's projection and neighbours, the GMM's typicality) runs on worker
// threads over a snapshot() (map_projector.h, neighbour_search.h, typicality_probe.h).
//
// Two steps, so a cached map shows at once: the encoding job reads (or computes) the latents and
// their PCA plane -> embeddingChanged; then a details job opens the data set for thumbnails and
// evaluates the GMM on every point (half a second or more for 60,000 points) -> detailsReady.
#include <QImage>
#include <QObject>
#include <QStringList>
#include <memory>
#include <vector>

#include "ui/window/model_summary.h"

namespace latentlab::ui {

class BackgroundJob;
struct AnalysisGmm;
struct LatentAnalysisData;

class LatentAnalysis : public QObject {
  Q_OBJECT

 public:
  explicit LatentAnalysis(QObject* parent = nullptr);
  ~LatentAnalysis() override;

  // A new model: the embedding (of the old one) is dropped, a running encoding cancelled, and the
  // checkpoint's GMM becomes the active one.
  void setModel(const ModelSummary& model);
  const ModelSummary& model() const { return m_model; }

  // The data set to encode for this model: the one bound to it (stored with its analysis), else
  // the one last used with it (remembered in QSettings), else the one it was trained on, else
  // fashion-mnist:train for 28x28 grey images.
  QString defaultSpec() const;
  // Encodes the data set spec (relative paths made absolute) in the background, reading the
  // cache when it is valid; emits embeddingChanged, then detailsReady, and binds the data set to
  // the model (model_store.h). Progress, cancel and failure go through encodeJob().
  // False when an encoding is already running or the model cannot encode (message in *why).
  bool encode(const QString& spec, QString* why = nullptr);
  BackgroundJob* encodeJob() const { return m_encodeJob; }
  // True from embeddingChanged until detailsReady: thumbnails and GMM values are on their way.
  bool detailsPending() const { return m_detailsPending; }

  bool hasEmbedding() const;
  QString spec() const { return m_spec; }  // of the current embedding
  bool fromCache() const;
  int size() const;  // encoded points
  QStringList classNames() const;
  QStringList attributeNames() const;
  // The attributes that can be map axes: the model's vectors and the data's labelled attributes
  // (or classes), as core's attribute_directions finds them.
  QStringList axisAttributeNames() const;
  std::vector<float> latent(int index) const;
  std::vector<float> meanLatent(const std::vector<int>& indices) const;  // centroid of a selection
  // The attribute direction mean(with) - mean(without) of two selections (core's user_attribute).
  std::vector<float> selectionAttribute(const std::vector<int>& with,
                                        const std::vector<int>& without) const;
  // The data set image as the model sees it (shape and range); null until detailsReady.
  QImage image(int index) const;
  QString itemCaption(int index) const;  // "#12 · Trouser"

  bool hasGmm() const;
  QString gmmSource() const;
  // Replaces the active GMM (a fit, already evaluated on the points); emits gmmChanged.
  void setGmm(std::shared_ptr<const AnalysisGmm> gmm);

  const LatentAnalysisData& data() const { return *m_data; }
  // The same data for a worker thread: never written again, whatever the analysis does next.
  std::shared_ptr<const LatentAnalysisData> snapshot() const { return m_data; }

 signals:
  void embeddingChanged();
  void detailsReady();
  void detailsFailed(const QString& message);  // the data set would not open for thumbnails
  void gmmChanged();
  // Something the user should read in the status bar (where the bound data set went, or why not).
  void noticeRequested(const QString& text);

 private:
  void onEncoded();
  void bindEncodedDataset();
  void startDetails();

  ModelSummary m_model;
  QString m_spec;
  std::shared_ptr<const LatentAnalysisData> m_data;  // replaced as a whole on every change
  std::shared_ptr<LatentAnalysisData> m_pending;     // written by the encoding job
  BackgroundJob* m_encodeJob;
  quint64 m_detailsGeneration = 0;  // only the newest details job is applied
  bool m_detailsPending = false;
};

}  // namespace latentlab::ui
