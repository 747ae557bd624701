#include "ui/gmm/typicality_meter.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>

#include "ui/analysis/typicality_probe.h"

namespace latentlab::ui {

TypicalityMeter::TypicalityMeter(QWidget* parent) : QWidget(parent) {
  m_bar = new QProgressBar(this);
  m_bar->setObjectName(QStringLiteral("typicality"));
  m_bar->setRange(0, 1000);
  m_bar->setToolTip(
      tr("Typicality of the current latent: the share of data set points whose "
         "log-likelihood under the mixture is lower"));
  m_logLikelihood = new QLabel(this);
  auto* layout = new QGridLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Typicality:"), this), 0, 0);
  layout->addWidget(m_bar, 0, 1);
  layout->addWidget(m_logLikelihood, 1, 1);
  layout->setColumnStretch(1, 1);
  setTypicality(Typicality(), false);
}

void TypicalityMeter::setTypicality(const Typicality& typicality, bool detailsPending) {
  if (!typicality.hasMixture) {
    m_bar->setEnabled(false);
    m_bar->setValue(0);
    m_bar->setFormat(tr("no mixture"));
    m_logLikelihood->clear();
    return;
  }
  m_bar->setEnabled(true);
  m_logLikelihood->setText(tr("log p(z) = %1").arg(typicality.logLikelihood, 0, 'f', 2));
  if (typicality.percentile < 0) {
    m_bar->setValue(0);
    m_bar->setFormat(detailsPending ? tr("evaluating the data set…")
                                    : tr("encode a data set to compare"));
  } else {
    m_bar->setValue(int(typicality.percentile * 10));
    m_bar->setFormat(
        tr("%1 % of the data set is less likely").arg(typicality.percentile, 0, 'f', 1));
  }
}

}  // namespace latentlab::ui
