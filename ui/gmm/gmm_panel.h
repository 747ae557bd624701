#pragma once
// The GMM dock: fit a Gaussian mixture with K components and a covariance type to the encoded
// data set (core's cv::ml::EM wrapper, in a BackgroundJob), show each component's weight and
// decoded mean, sample from a component into the main view, store the mixture in the
// checkpoint, and show how typical the current latent is: its log-likelihood and the percentage
// of data set points that are less likely.
#include <QImage>
#include <QWidget>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace latentlab::ui {

class BackgroundJob;
class LatentAnalysis;
struct AnalysisGmm;
class ThumbnailList;

class GmmPanel : public QWidget {
  Q_OBJECT

 public:
  explicit GmmPanel(LatentAnalysis* analysis, QWidget* parent = nullptr);

  ThumbnailList* components() const { return m_components; }
  QProgressBar* typicalityMeter() const { return m_meter; }
  BackgroundJob* fitJob() const { return m_fitJob; }
  void setFitOptions(int components, const QString& covariance);  // "full", "diag", "spherical"

 public slots:
  void fit();
  void setCurrentLatent(const std::vector<float>& latent);
  // A draw from the selected component (seeds 0, 1, 2, ... in turn) into the main view.
  void sampleFromComponent();

 signals:
  void latentRequested(const std::vector<float>& latent, const QString& text,
                       const QImage& original);
  void messageRequested(const QString& title, const QString& text);
  void componentsShown();  // the thumbnails of the active mixture are in place

 private:
  void onGmmChanged();
  void decodeMeans();
  void updateMeter();
  void loadMean(int component);
  void storeInCheckpoint();

  LatentAnalysis* m_analysis;
  std::vector<float> m_current;
  quint64 m_decodeGeneration = 0;
  quint64 m_shownSerial = 0;  // the mixture whose means are decoded (AnalysisGmm::serial)
  quint64 m_sampleSeed = 0;

  QSpinBox* m_k;
  QComboBox* m_covariance;
  QPushButton* m_fit;
  QProgressBar* m_progress;
  QPushButton* m_cancel;
  QLabel* m_source;
  ThumbnailList* m_components;
  QPushButton* m_sample;
  QPushButton* m_store;
  QLabel* m_logLikelihood;
  QProgressBar* m_meter;
  BackgroundJob* m_fitJob;
  // Written by the fit job, taken on the UI thread when it succeeds.
  std::shared_ptr<std::shared_ptr<const AnalysisGmm>> m_fitResult;
};

}  // namespace latentlab::ui
