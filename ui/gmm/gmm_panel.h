#pragma once
// The GMM dock: fit a Gaussian mixture with K components and a covariance type to the encoded
// data set, show each component's weight and decoded mean, sample from a component into the main
// view, store the mixture in the checkpoint, and show how typical the current latent is: its
// log-likelihood and the percentage of data set points that are less likely.
//
// The panel only shows: the fit, the decoding and the typicality run in the background
// (ui/analysis/gmm_analysis.h, typicality_probe.h).
#include <QImage>
#include <QWidget>
#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace latentlab::ui {

class BackgroundJob;
class GmmAnalysis;
class LatentAnalysis;
class ThumbnailList;
class TypicalityMeter;
class TypicalityProbe;

class GmmPanel : public QWidget {
  Q_OBJECT

 public:
  explicit GmmPanel(LatentAnalysis* analysis, QWidget* parent = nullptr);

  ThumbnailList* components() const { return m_components; }
  QProgressBar* typicalityMeter() const;
  BackgroundJob* fitJob() const;
  void setFitOptions(int components, const QString& covariance);  // "full", "diag", "spherical"
  // True when the meter shows the newest latent's typicality: for tests.
  bool isSettled() const;

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
  QLayout* createFitRow();
  void onGmmChanged();
  void decodeMeans(const std::vector<std::vector<float>>& means,
                   const std::vector<double>& weights);
  void loadMean(int component);
  void storeWithModel();

  LatentAnalysis* m_analysis;
  GmmAnalysis* m_gmm;
  TypicalityProbe* m_probe;
  std::vector<float> m_current;
  quint64 m_decodeGeneration = 0;
  quint64 m_shownSerial = 0;  // the mixture whose means are decoded (GmmSummary::serial)
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
  TypicalityMeter* m_meter;
};

}  // namespace latentlab::ui
