#pragma once
// How typical a latent is under the active GMM: its log-likelihood, and the percentage of the
// encoded points that are less likely. Evaluated on a worker thread of its own, newest request
// only (coalescing_worker.h), so the GMM panel's meter follows a slider drag without costing the
// UI thread anything.
#include <QObject>
#include <memory>
#include <vector>

namespace latentlab::ui {

class CoalescingWorker;
class LatentAnalysis;

struct Typicality {
  bool hasMixture = false;  // a GMM of the latent's length is active; the rest is valid only then
  double logLikelihood = 0.0;  // log p(z)
  double percentile = -1.0;    // 0-100; -1 while the points' log-likelihoods are unknown
};

class TypicalityProbe : public QObject {
  Q_OBJECT

 public:
  explicit TypicalityProbe(const LatentAnalysis* analysis, QObject* parent = nullptr);
  ~TypicalityProbe() override;

  // latent under the analysis' active GMM -> evaluated.
  void evaluate(const std::vector<float>& latent);
  // True when the newest request has been answered: for tests.
  bool isSettled() const { return m_answered == m_requested; }

 signals:
  void evaluated(const latentlab::ui::Typicality& typicality);

 private:
  const LatentAnalysis* m_analysis;
  quint64 m_requested = 0;
  quint64 m_answered = 0;
  std::unique_ptr<CoalescingWorker> m_worker;  // last: destroyed first
};

}  // namespace latentlab::ui
