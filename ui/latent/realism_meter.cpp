#include "ui/latent/realism_meter.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <cmath>

namespace latentlab::ui {

namespace {
constexpr int kBarSteps = 1000;
}

RealismMeter::RealismMeter(QWidget* parent) : QWidget(parent) {
  auto* title = new QLabel(tr("Realism"), this);
  m_bar = new QProgressBar(this);
  m_bar->setRange(0, kBarSteps);
  m_bar->setTextVisible(false);
  m_bar->setFixedWidth(90);
  m_text = new QLabel(this);
  m_text->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("100% (D = -10.00)")));
  setToolTip(
      tr("The discriminator's opinion of the shown image: sigmoid(D(x)), the probability "
         "it gives to \"real\", and the logit D(x). Moving far from typical latents "
         "usually lowers it."));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(title);
  layout->addWidget(m_bar);
  layout->addWidget(m_text);
  layout->addStretch(1);  // spare width after the text, not between the parts
  clear();
}

void RealismMeter::setLogit(double logit) {
  m_logit = logit;
  m_hasScore = true;
  const double probability = 1.0 / (1.0 + std::exp(-logit));
  m_bar->setValue(int(std::lround(probability * kBarSteps)));
  m_text->setText(tr("%1% (D = %2)").arg(probability * 100.0, 0, 'f', 0).arg(logit, 0, 'f', 2));
}

void RealismMeter::clear() {
  m_hasScore = false;
  m_bar->setValue(0);
  m_text->setText(tr("–"));
}

}  // namespace latentlab::ui
