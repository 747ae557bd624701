#include "ui/latent_map/map_run_bar.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>

#include "ui/analysis/background_job.h"

namespace latentlab::ui {

namespace {

QSpinBox* spinBox(QWidget* parent, int lo, int hi, int value, const QString& tip) {
  auto* box = new QSpinBox(parent);
  box->setRange(lo, hi);
  box->setValue(value);
  box->setToolTip(tip);
  return box;
}

}  // namespace

MapRunBar::MapRunBar(BackgroundJob* job, QWidget* parent) : QWidget(parent) {
  m_neighbours = spinBox(this, 2, 200, 15, tr("UMAP: neighbours per point (with itself)"));
  m_neighbours->setObjectName(QStringLiteral("neighbours"));
  m_minDist = new QDoubleSpinBox(this);
  m_minDist->setObjectName(QStringLiteral("minDist"));
  m_minDist->setRange(0.0, 1.0);
  m_minDist->setSingleStep(0.05);
  m_minDist->setValue(0.1);
  m_minDist->setToolTip(tr("UMAP: how tightly points may pack"));
  m_perplexity = new QDoubleSpinBox(this);
  m_perplexity->setObjectName(QStringLiteral("perplexity"));
  m_perplexity->setRange(2.0, 200.0);
  m_perplexity->setValue(30.0);
  m_perplexity->setToolTip(tr("t-SNE: the effective number of neighbours"));
  m_umapIterations =
      spinBox(this, 0, 5000, 0, tr("UMAP epochs (auto: 500, or 200 above 10,000 points)"));
  m_umapIterations->setSpecialValueText(tr("auto"));
  m_tsneIterations = spinBox(this, 50, 5000, 1000, tr("t-SNE iterations (250 exaggerated)"));
  m_seed = spinBox(this, 0, 1000000, 0, tr("Random seed: the same seed gives the same map"));
  m_seed->setObjectName(QStringLiteral("seed"));
  m_run = new QPushButton(tr("Run"), this);
  m_run->setObjectName(QStringLiteral("runMap"));
  m_run->setToolTip(tr("Lay the points out with these parameters (a cached layout shows at once)"));
  m_progress = new QProgressBar(this);
  m_progress->setRange(0, 1000);
  m_progress->setVisible(false);
  m_cancel = new QPushButton(tr("Cancel"), this);
  m_cancel->setVisible(false);

  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  const auto add = [&](const QString& label, QWidget* box, QList<QWidget*>* group) {
    auto* text = new QLabel(label, this);
    layout->addWidget(text);
    layout->addWidget(box);
    if (group) *group << text << box;
  };
  add(tr("Neighbours:"), m_neighbours, &m_umapOnly);
  add(tr("Min dist:"), m_minDist, &m_umapOnly);
  add(tr("Epochs:"), m_umapIterations, &m_umapOnly);
  add(tr("Perplexity:"), m_perplexity, &m_tsneOnly);
  add(tr("Iterations:"), m_tsneIterations, &m_tsneOnly);
  add(tr("Seed:"), m_seed, nullptr);
  layout->addWidget(m_run);
  layout->addWidget(m_progress, 1);
  layout->addWidget(m_cancel);
  layout->addStretch();
  setMethod(m_method);

  connect(m_run, &QPushButton::clicked, this, &MapRunBar::runRequested);
  connect(m_cancel, &QPushButton::clicked, job, &BackgroundJob::cancel);
  connect(job, &BackgroundJob::progress, this, [this](double fraction, const QString& text) {
    m_progress->setVisible(true);
    m_cancel->setVisible(true);
    m_progress->setValue(int(fraction * 1000));
    m_progress->setFormat(text);
  });
  for (auto signal : {&BackgroundJob::succeeded, &BackgroundJob::cancelled})
    connect(job, signal, this, [this] {
      m_progress->setVisible(false);
      m_cancel->setVisible(false);
    });
  connect(job, &BackgroundJob::failed, this, [this] {
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
  });
}

void MapRunBar::setMethod(const QString& method) {
  m_method = method;
  for (QWidget* w : m_umapOnly) w->setVisible(method == QLatin1String("umap"));
  for (QWidget* w : m_tsneOnly) w->setVisible(method == QLatin1String("tsne"));
}

QString MapRunBar::spec() const {
  if (m_method == QLatin1String("tsne"))
    return QStringLiteral("tsne:perplexity=%1,iterations=%2,seed=%3")
        .arg(m_perplexity->value())
        .arg(m_tsneIterations->value())
        .arg(m_seed->value());
  return QStringLiteral("umap:neighbours=%1,min_dist=%2,iterations=%3,seed=%4")
      .arg(m_neighbours->value())
      .arg(m_minDist->value())
      .arg(m_umapIterations->value())
      .arg(m_seed->value());
}

bool MapRunBar::setSpec(const QString& spec) {
  const QString method = spec.section(QLatin1Char(':'), 0, 0);
  if (method != QLatin1String("umap") && method != QLatin1String("tsne")) return false;
  setMethod(method);
  const QStringList items =
      spec.section(QLatin1Char(':'), 1).split(QLatin1Char(','), Qt::SkipEmptyParts);
  for (const QString& item : items) {
    const QString key = item.section(QLatin1Char('='), 0, 0);
    const double value = item.section(QLatin1Char('='), 1).toDouble();
    if (key == QLatin1String("neighbours")) m_neighbours->setValue(int(value));
    if (key == QLatin1String("min_dist")) m_minDist->setValue(value);
    if (key == QLatin1String("perplexity")) m_perplexity->setValue(value);
    if (key == QLatin1String("seed")) m_seed->setValue(int(value));
    if (key == QLatin1String("iterations"))
      (method == QLatin1String("umap") ? m_umapIterations : m_tsneIterations)->setValue(int(value));
  }
  return true;
}

}  // namespace latentlab::ui
