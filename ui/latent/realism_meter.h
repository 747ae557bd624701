#pragma once
// The realism meter of a GAN: its discriminator's score of the shown image, D(G(z)), as a bar of
// sigmoid(D) (the probability the discriminator gives "real") with the raw logit beside it.
#include <QWidget>

class QLabel;
class QProgressBar;

namespace latentlab::ui {

class RealismMeter : public QWidget {
  Q_OBJECT

 public:
  explicit RealismMeter(QWidget* parent = nullptr);

  bool hasScore() const { return m_hasScore; }
  double logit() const { return m_logit; }

 public slots:
  void setLogit(double logit);
  void clear();

 private:
  QProgressBar* m_bar;
  QLabel* m_text;
  double m_logit = 0.0;
  bool m_hasScore = false;
};

}  // namespace latentlab::ui
