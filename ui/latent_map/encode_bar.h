#pragma once
// The Latent map's first row: the data set to place in the latent space (the model's bound data
// sets, the known specs, or files chosen with the … button), Encode (read from the
// cache when it was encoded before), the encoding's progress and Cancel, and a status saying what
// the map shows ("60,000 points, from the cache (0.21 s)").
#include <QElapsedTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace latentlab::ui {

class LatentAnalysis;

class EncodeBar : public QWidget {
  Q_OBJECT

 public:
  explicit EncodeBar(LatentAnalysis* analysis, QWidget* parent = nullptr);

 public slots:
  void encode();  // the data set typed in the box

 signals:
  void messageRequested(const QString& title, const QString& text);

 private:
  void chooseFolder(const QString& kind);  // "folder" or "celeba"
  void chooseIdxFiles();
  void setSpec(const QString& spec);  // shown in the box (added to it when new)
  void onEmbeddingChanged();
  void updateStatus();

  LatentAnalysis* m_analysis;
  QComboBox* m_dataset;
  QPushButton* m_encode;
  QProgressBar* m_progress;
  QPushButton* m_cancel;
  QLabel* m_status;
  QString m_encodedText;  // how the points were obtained
  QElapsedTimer m_clock;  // since the last Encode
};

}  // namespace latentlab::ui
