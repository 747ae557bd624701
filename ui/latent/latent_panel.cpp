#include "ui/latent/latent_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <numeric>

#include "ui/analysis/background_job.h"
#include "ui/latent/slider_rows.h"
#include "ui/window/model_summary.h"

namespace latentlab::ui {

namespace {

QString activityText(const QString& source, double value) {
  if (source == QLatin1String("posterior-variance"))
    return LatentPanel::tr("variance of the data's posterior means: %1").arg(value, 0, 'g', 3);
  return LatentPanel::tr("decoder sensitivity (mean pixel change for +1): %1")
      .arg(value, 0, 'g', 3);
}

QString pcaSourceText(const QString& source) {
  if (source == QLatin1String("gmm"))
    return LatentPanel::tr("the data's latents, as described by the GMM stored in the checkpoint");
  return LatentPanel::tr("the posterior means of the model's own decoded prior samples");
}

}  // namespace

LatentPanel::LatentPanel(QWidget* parent)
    : QWidget(parent), m_rng(QRandomGenerator::global()->generate()) {
  m_randomise = new QPushButton(tr("Randomise"), this);
  m_randomise->setToolTip(tr("Draw a new latent from the prior N(0, I)"));
  m_reset = new QPushButton(tr("Reset"), this);
  m_reset->setToolTip(
      tr("Back to the data's mean (the stored GMM's) or, without a GMM, to the prior sample "
         "of seed 0 the model opened on"));
  m_truncation = new QDoubleSpinBox(this);
  m_truncation->setRange(0.1, kRange);
  m_truncation->setSingleStep(0.1);
  m_truncation->setValue(kRange);
  m_truncation->setPrefix(tr("|z| ≤ "));
  m_truncation->setToolTip(
      tr("Truncation: Randomise redraws values beyond this bound. Smaller values give more "
         "typical, less varied images."));

  m_axesBox = new QComboBox(this);
  m_axesBox->addItem(tr("Dimensions"), int(Axes::Dimensions));
  m_axesBox->addItem(tr("Most active first"), int(Axes::MostActiveFirst));
  m_axesBox->addItem(tr("PCA axes"), int(Axes::Pca));
  m_axesBox->setItemData(0, tr("One slider per latent dimension, in order"), Qt::ToolTipRole);
  m_filter = new QLineEdit(this);
  m_filter->setPlaceholderText(tr("Filter, e.g. z1 z7"));
  m_filter->setClearButtonEnabled(true);
  m_filter->setToolTip(tr("Show only the rows whose name contains one of these words"));

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(m_randomise);
  buttons->addWidget(m_truncation);
  buttons->addStretch(1);
  buttons->addWidget(m_reset);
  auto* view = new QHBoxLayout;
  view->addWidget(m_axesBox);
  view->addWidget(m_filter, 1);

  m_rows = new SliderRows(QStringLiteral("z000"), kRange, this);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(buttons);
  layout->addLayout(view);
  layout->addWidget(m_rows, 1);

  connect(m_randomise, &QPushButton::clicked, this, &LatentPanel::randomise);
  connect(m_reset, &QPushButton::clicked, this, &LatentPanel::reset);
  connect(m_axesBox, &QComboBox::activated, this, [this](int index) {
    m_axesChosen = true;
    setAxes(Axes(m_axesBox->itemData(index).toInt()));
  });
  connect(m_filter, &QLineEdit::textChanged, m_rows, &SliderRows::setFilter);
  connect(m_rows, &SliderRows::valueChanged, this, &LatentPanel::onRowChanged);
  connect(m_rows, &SliderRows::editFinished, this, &LatentPanel::editFinished);
  setDimensions(0);
}

void LatentPanel::setModel(const ModelSummary& model) {
  std::vector<QString> names;
  if (model.info)
    for (const auto& name : model.info->guided_attributes)
      names.push_back(QString::fromStdString(name));
  resetRows(model.latentDim, sliderRanges(model.info.get(), model.latentDim, kRange),
            std::move(names));
  m_home = homeLatent(model.info.get(), model.latentDim);
  setValues(m_home);
  if (!model.model || !model.info || model.latentDim == 0) return;
  updateAxesChoices(tr("Computing…"));
  // The job holds the model and its card, never this panel; a newer model retires it and its
  // result is then dropped.
  auto* job = new BackgroundJob(this);
  m_job = job;
  auto result = std::make_shared<LatentDirections>();
  auto finish = [this, job](const std::function<void()>& apply) {
    if (job == m_job) {
      m_job = nullptr;
      apply();
    }
    job->deleteLater();
  };
  connect(job, &BackgroundJob::succeeded, this,
          [finish, this, result] { finish([this, result] { showDirections(*result); }); });
  connect(job, &BackgroundJob::failed, this, [finish, this](const QString& message) {
    finish([this, message] {
      updateAxesChoices(tr("Could not be computed: %1").arg(message));
      emit directionsFailed(message);
    });
  });
  connect(job, &BackgroundJob::cancelled, this, [finish] { finish([] {}); });
  job->start([model = model.model, info = model.info, result](BackgroundJob&) {
    *result = computeLatentDirections(*model, *info);
  });
}

void LatentPanel::setDimensions(int count) {
  resetRows(count, std::vector<double>(size_t(count), kRange));
}

void LatentPanel::resetRows(int count, std::vector<double> ranges, std::vector<QString> names) {
  if (m_job) {
    m_job->cancel();  // it deletes itself when it ends
    m_job = nullptr;
  }
  m_dimensions = count;
  m_directions = {};
  m_home.assign(size_t(count), 0.0f);
  m_ranges = std::move(ranges);
  m_names = std::move(names);
  m_axes = Axes::Dimensions;
  m_axesChosen = false;
  buildRows(std::vector<float>(size_t(count), 0.0f));
  updateAxesChoices(tr("Needs a model"));
  m_randomise->setEnabled(count > 0);
  m_reset->setEnabled(count > 0);
}

bool LatentPanel::axesAvailable(Axes axes) const {
  switch (axes) {
    case Axes::Dimensions:
      return true;
    case Axes::MostActiveFirst:
      return !m_directions.activity.empty();
    case Axes::Pca:
      return m_directions.hasPca();
  }
  return false;
}

void LatentPanel::setAxes(Axes axes) {
  if (!axesAvailable(axes)) return;
  {
    const QSignalBlocker block(m_axesBox);
    m_axesBox->setCurrentIndex(m_axesBox->findData(int(axes)));
  }
  if (axes == m_axes) return;
  const std::vector<float> z = values();
  m_axes = axes;
  buildRows(z);
}

void LatentPanel::showDirections(const LatentDirections& directions) {
  m_directions = directions;
  updateAxesChoices(directions.hasPca()
                        ? QString()
                        : tr("Needs latents that describe the data: a GMM stored in the checkpoint "
                             "or an encoder (a GAN's prior alone has no preferred directions)"));
  if (!m_axesChosen && m_dimensions > kManyDimensions && m_names.empty())
    setAxes(Axes::MostActiveFirst);
  buildRows(values());  // the rows' tooltips now tell their activity
  emit directionsReady();
}

void LatentPanel::updateAxesChoices(const QString& note) {
  auto* items = qobject_cast<QStandardItemModel*>(m_axesBox->model());
  const QString active =
      m_directions.activitySource == QLatin1String("posterior-variance")
          ? tr("Dimensions ordered by the variance of the data's posterior means (most used first)")
          : tr("Dimensions ordered by how much +1 along each changes the image");
  items->item(1)->setEnabled(axesAvailable(Axes::MostActiveFirst));
  items->item(1)->setToolTip(axesAvailable(Axes::MostActiveFirst) ? active : note);
  items->item(2)->setEnabled(axesAvailable(Axes::Pca));
  items->item(2)->setToolTip(axesAvailable(Axes::Pca)
                                 ? tr("One slider per principal direction of %1, in standard "
                                      "deviations, largest variance first")
                                       .arg(pcaSourceText(m_directions.pcaSource))
                                 : note);
}

void LatentPanel::buildRows(const std::vector<float>& latent) {
  const bool pca = m_axes == Axes::Pca;
  const int count = pca ? int(m_directions.pcaAxes.size()) : m_dimensions;
  const bool withActivity = int(m_directions.activity.size()) == m_dimensions && !pca;
  std::vector<SliderRows::Row> rows;
  for (int i = 0; i < count; ++i) {
    QString label = pca ? QStringLiteral("PC%1").arg(i + 1) : QStringLiteral("z%1").arg(i);
    if (!pca && size_t(i) < m_names.size()) label += QLatin1Char(' ') + m_names[size_t(i)];
    SliderRows::Row row{label, pca ? kRange : m_ranges.at(size_t(i)), QString()};
    if (pca)
      row.toolTip = tr("Principal direction %1: %2% of the latent variance")
                        .arg(i + 1)
                        .arg(100.0 * m_directions.pcaVarianceRatio.at(size_t(i)), 0, 'f', 1);
    else if (withActivity)
      row.toolTip = QStringLiteral("%1: %2").arg(label).arg(
          activityText(m_directions.activitySource, m_directions.activity[size_t(i)]));
    rows.push_back(row);
  }
  std::vector<int> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  if (m_axes == Axes::MostActiveFirst)
    std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
      return m_directions.activity[size_t(a)] > m_directions.activity[size_t(b)];
    });
  m_rows->rebuild(rows, std::move(order));
  const QSignalBlocker block(this);  // the latent itself does not change
  setValues(latent);
}

std::vector<int> LatentPanel::rowOrder() const { return m_rows->order(); }

ValueSlider* LatentPanel::row(int index) const { return m_rows->row(index); }

void LatentPanel::onRowChanged() {
  m_setLatentValid = false;
  emit latentChanged(values());
}

std::vector<float> LatentPanel::values() const {
  if (m_axes == Axes::Pca) {
    if (m_setLatentValid) return m_setLatent;
    std::vector<float> z = m_directions.fromAxisCoordinates(m_rows->values());
    for (size_t i = 0; i < z.size() && i < m_residual.size(); ++i) z[i] += m_residual[i];
    return z;
  }
  const std::vector<double> rows = m_rows->values();
  return std::vector<float>(rows.begin(), rows.end());
}

void LatentPanel::setValues(const std::vector<float>& values) {
  std::vector<float> z(size_t(m_dimensions), 0.0f);
  std::copy_n(values.begin(), std::min(values.size(), z.size()), z.begin());
  if (m_axes == Axes::Pca) {
    const std::vector<double> c = m_directions.toAxisCoordinates(z);
    const std::vector<float> back = m_directions.fromAxisCoordinates(c);
    m_residual.resize(z.size());
    for (size_t i = 0; i < z.size(); ++i) m_residual[i] = z[i] - back[i];
    m_rows->setValues(c);
    m_setLatent = z;
    m_setLatentValid = true;
  } else {
    m_rows->setValues(std::vector<double>(z.begin(), z.end()));
  }
  emit latentChanged(this->values());
}

double LatentPanel::truncation() const { return m_truncation->value(); }

void LatentPanel::setTruncation(double threshold) { m_truncation->setValue(threshold); }

void LatentPanel::randomise() {
  std::normal_distribution<double> normal(0.0, 1.0);
  const double bound = truncation();
  std::vector<float> z(static_cast<size_t>(m_dimensions));
  for (float& v : z) {
    double x = normal(m_rng);
    while (std::abs(x) > bound) x = normal(m_rng);
    v = float(x);
  }
  setValues(z);
  emit editFinished();
}

void LatentPanel::reset() {
  setValues(m_axes == Axes::Pca ? m_directions.pcaMean : m_home);
  emit editFinished();
}

}  // namespace latentlab::ui
