#pragma once
// The GMM panel's typicality meter: how likely the current latent is under the active mixture,
// as the share of data set points whose log-likelihood is lower (a bar of 0-100 %), with log p(z)
// underneath.
#include <QWidget>

class QLabel;
class QProgressBar;

namespace latentlab::ui {

struct Typicality;

class TypicalityMeter : public QWidget {
  Q_OBJECT

 public:
  explicit TypicalityMeter(QWidget* parent = nullptr);

  QProgressBar* bar() const { return m_bar; }  // 0-1000: tenths of a percent

  // detailsPending: the points' log-likelihoods are on their way (says so instead of "encode").
  void setTypicality(const Typicality& typicality, bool detailsPending);

 private:
  QProgressBar* m_bar;
  QLabel* m_logLikelihood;
};

}  // namespace latentlab::ui
