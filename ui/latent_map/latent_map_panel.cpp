#include "ui/latent_map/latent_map_panel.h"

#include <torch/torch.h>

#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <optional>

#include "core/analysis/neighbours.h"
#include "core/analysis/projection.h"
#include "core/fitting/attributes.h"
#include "ui/analysis/background_job.h"
#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"
#include "ui/latent_map/group_palette.h"
#include "ui/latent_map/latent_scatter_view.h"
#include "ui/widgets/thumbnail_list.h"

namespace latentlab::ui {

namespace {

constexpr int kDefaultNeighbours = 8;
constexpr int kNeighbourDelayMs = 40;  // coalesce slider drags: one search per few frames
constexpr int kTipSize = 96;           // hover thumbnail edge in pixels
constexpr int kEllipsePoints = 72;

// The hover tip: the image enlarged (crisp) with its caption underneath.
QPixmap tipPixmap(const QImage& image, const QString& caption) {
  const QImage big = image.scaled(kTipSize, kTipSize, Qt::KeepAspectRatio, Qt::FastTransformation);
  const int captionHeight = 18;
  QPixmap pixmap(std::max(big.width(), 120), big.height() + captionHeight);
  pixmap.fill(Qt::white);
  QPainter painter(&pixmap);
  painter.drawImage((pixmap.width() - big.width()) / 2, 0, big);
  painter.drawText(QRect(0, big.height(), pixmap.width(), captionHeight), Qt::AlignCenter, caption);
  return pixmap;
}

}  // namespace

struct LatentMapPanel::State {
  std::optional<Projection> projection;
};

LatentMapPanel::LatentMapPanel(LatentAnalysis* analysis, QWidget* parent)
    : QWidget(parent),
      m_analysis(analysis),
      m_state(std::make_unique<State>()),
      m_encodeClock(std::make_unique<QElapsedTimer>()) {
  m_encodeClock->start();
  m_view = new LatentScatterView(this);
  m_view->setMinimumSize(320, 260);
  m_neighbourCount = new QSpinBox(this);
  m_neighbourCount->setRange(1, 32);
  m_neighbourCount->setValue(kDefaultNeighbours);
  m_neighbourCount->setToolTip(tr("How many of the nearest data set images to show"));
  m_neighbours = new ThumbnailList(48, /*wrap=*/false, this);
  m_neighbours->setObjectName(QStringLiteral("neighbours"));
  m_neighbours->setToolTip(tr(
      "The data set images whose latents are nearest to the current latent; click one to load it"));
  m_tip = new QLabel(this, Qt::ToolTip);
  m_tip->setFrameShape(QFrame::Box);
  m_neighbourTimer = new QTimer(this);
  m_neighbourTimer->setSingleShot(true);
  m_neighbourTimer->setInterval(kNeighbourDelayMs);

  auto* neighbourRow = new QHBoxLayout;
  neighbourRow->addWidget(new QLabel(tr("Nearest images:"), this));
  neighbourRow->addWidget(m_neighbourCount);
  neighbourRow->addStretch(1);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(createEncodeRow());
  layout->addWidget(createViewRow());
  layout->addWidget(m_view, 1);
  layout->addWidget(createSelectionRow());
  layout->addLayout(neighbourRow);
  layout->addWidget(m_neighbours);

  BackgroundJob* job = m_analysis->encodeJob();
  connect(job, &BackgroundJob::progress, this, [this](double fraction, const QString& text) {
    m_progress->setValue(int(fraction * 1000));
    m_progress->setFormat(text);
  });
  auto finished = [this] {
    m_progress->hide();
    m_cancel->hide();
    m_encode->setEnabled(true);
  };
  connect(job, &BackgroundJob::succeeded, this, finished);
  connect(job, &BackgroundJob::cancelled, this, [this, finished] {
    finished();
    m_status->setText(tr("Encoding cancelled"));
  });
  connect(job, &BackgroundJob::failed, this, [this, finished](const QString& message) {
    finished();
    m_status->setText(tr("Encoding failed"));
    emit messageRequested(tr("Could not encode the data set"), message);
  });
  connect(m_analysis, &LatentAnalysis::embeddingChanged, this, &LatentMapPanel::onEmbeddingChanged);
  connect(m_analysis, &LatentAnalysis::gmmChanged, this, &LatentMapPanel::onGmmChanged);
  connect(m_analysis, &LatentAnalysis::detailsReady, this, [this] {
    updateStatus();
    updateNeighbours();
  });
  connect(m_analysis, &LatentAnalysis::detailsFailed, this, [this](const QString& message) {
    m_encodedText += tr(" · no thumbnails");
    m_status->setToolTip(message);
    updateStatus();
  });
  connect(m_view, &LatentScatterView::pointHovered, this, &LatentMapPanel::onHover);
  connect(m_view, &LatentScatterView::pointClicked, this, &LatentMapPanel::onPointClicked);
  connect(m_view, &LatentScatterView::rectangleSelected, this, &LatentMapPanel::onRectangle);
  connect(m_neighbours, &ThumbnailList::thumbnailActivated, this,
          &LatentMapPanel::onNeighbourClicked);
  connect(m_neighbourTimer, &QTimer::timeout, this, &LatentMapPanel::updateNeighbours);
  connect(m_neighbourCount, qOverload<int>(&QSpinBox::valueChanged), m_neighbourTimer,
          qOverload<>(&QTimer::start));
  onEmbeddingChanged();
}

LatentMapPanel::~LatentMapPanel() = default;

void LatentMapPanel::encode() {
  QString why;
  m_encodeClock->start();
  if (!m_analysis->encode(m_dataset->currentText(), &why)) {
    emit messageRequested(tr("Cannot encode a data set"), why);
    return;
  }
  m_encode->setEnabled(false);
  m_progress->setValue(0);
  m_progress->setFormat(tr("Opening %1…").arg(m_dataset->currentText()));
  m_progress->show();
  m_cancel->show();
  m_status->clear();
  m_status->setToolTip(QString());
}

void LatentMapPanel::onEmbeddingChanged() {
  const bool has = m_analysis->hasEmbedding();
  const QString spec = has ? m_analysis->spec() : m_analysis->defaultSpec();
  if (!spec.isEmpty()) {
    if (m_dataset->findText(spec) < 0) m_dataset->insertItem(0, spec);
    m_dataset->setCurrentText(spec);
  }
  const ModelSummary& model = m_analysis->model();
  m_encode->setEnabled(model.canEncode && !m_analysis->encodeJob()->isRunning());
  m_dimX->setRange(0, std::max(0, model.latentDim - 1));
  m_dimY->setRange(0, std::max(0, model.latentDim - 1));
  m_selection.clear();
  m_with.clear();
  m_without.clear();
  m_neighbourIndices.clear();
  m_neighbours->setItems({});
  m_view->setSelection({});
  updateSelectionButtons();
  if (has)
    m_encodedText = m_analysis->fromCache()
                        ? tr("%L1 points, from the cache (%2 s)")
                              .arg(m_analysis->size())
                              .arg(m_encodeClock->elapsed() / 1000.0, 0, 'f', 2)
                        : tr("%L1 points, encoded in %2 s")
                              .arg(m_analysis->size())
                              .arg(m_encodeClock->elapsed() / 1000.0, 0, 'f', 1);
  else
    m_encodedText = model.isValid() && !model.canEncode
                        ? tr("A GAN has no encoder: no data set map")
                        : tr("Not encoded yet");
  updateStatus();
  fillColourBox();
  updateProjection();
  updateNeighbours();
}

void LatentMapPanel::updateStatus() {
  m_status->setText(m_analysis->detailsPending() ? tr("%1 · reading the images…").arg(m_encodedText)
                                                 : m_encodedText);
}

void LatentMapPanel::onGmmChanged() {
  const QString before = colouring();
  fillColourBox();
  if (colouring() != before || colouring() == QLatin1String("gmm")) updateColours();
  updateEllipses();
}

void LatentMapPanel::fillColourBox() {
  const QString previous = colouring();
  QSignalBlocker block(m_colour);
  m_colour->clear();
  m_colour->addItem(tr("None"), QStringLiteral("none"));
  if (!m_analysis->classNames().isEmpty()) m_colour->addItem(tr("Class"), QStringLiteral("class"));
  const auto& gmm = m_analysis->data().gmm;
  if (gmm && gmm->labels.defined()) m_colour->addItem(tr("GMM component"), QStringLiteral("gmm"));
  for (const QString& name : m_analysis->attributeNames())
    m_colour->addItem(tr("Attribute: %1").arg(name), QStringLiteral("attribute:") + name);
  // Keep the user's choice; else the most telling one (class labels first).
  int index = m_colour->findData(previous);
  if (index < 0 || previous == QLatin1String("none"))
    index = std::max(0, m_colour->findData(QStringLiteral("class")));
  if (index == 0 && m_colour->count() > 1) index = 1;
  m_colour->setCurrentIndex(index);
}

void LatentMapPanel::setProjection(const QString& spec) {
  if (spec == QLatin1String("pca")) {
    m_projection->setCurrentIndex(0);
  } else if (spec.startsWith(QLatin1String("dims:"))) {
    const QStringList ij = spec.mid(5).split(QLatin1Char(','));
    if (ij.size() != 2) return;
    m_dimX->setValue(ij[0].toInt());
    m_dimY->setValue(ij[1].toInt());
    m_projection->setCurrentIndex(1);
  }
  updateProjection();
}

QString LatentMapPanel::projection() const {
  if (m_projection->currentData().toString() == QLatin1String("pca")) return QStringLiteral("pca");
  return QStringLiteral("dims:%1,%2").arg(m_dimX->value()).arg(m_dimY->value());
}

void LatentMapPanel::setColouring(const QString& key) {
  const int index = m_colour->findData(key);
  if (index >= 0) m_colour->setCurrentIndex(index);
}

QString LatentMapPanel::colouring() const { return m_colour->currentData().toString(); }

void LatentMapPanel::updateProjection() {
  m_state->projection.reset();
  if (!m_analysis->hasEmbedding()) {
    m_view->setPoints({}, {}, QString(), QString());
    m_view->setEllipses({});
    m_view->clearMarker();
    return;
  }
  const auto& means = m_analysis->data().embedding.means;
  QString xLabel, yLabel;
  try {
    // The PCA plane comes with the embedding, fitted off the UI thread.
    const auto& pca = m_analysis->data().pca;
    m_state->projection = projection() == QLatin1String("pca") && pca
                              ? *pca
                              : make_projection(projection().toStdString(), means);
  } catch (const std::exception& e) {
    emit messageRequested(tr("Cannot project the latents"), QString::fromStdString(e.what()));
    return;
  }
  const Projection& p = *m_state->projection;
  if (p.kind == "pca") {
    const auto ratio = p.explained_variance_ratio;
    xLabel = tr("PC1 (%1 % of the variance)").arg(ratio[0].item<double>() * 100, 0, 'f', 1);
    yLabel = tr("PC2 (%1 % of the variance)").arg(ratio[1].item<double>() * 100, 0, 'f', 1);
  } else {
    xLabel = QStringLiteral("z%1").arg(m_dimX->value());
    yLabel = QStringLiteral("z%1").arg(m_dimY->value());
  }
  const auto xy = p.project(means).contiguous();
  const int64_t n = xy.size(0);
  std::vector<double> x(static_cast<size_t>(n)), y(static_cast<size_t>(n));
  const double* d = xy.data_ptr<double>();
  for (int64_t i = 0; i < n; ++i) x[size_t(i)] = d[2 * i], y[size_t(i)] = d[2 * i + 1];
  m_view->setPoints(std::move(x), std::move(y), xLabel, yLabel);
  updateColours();
  updateEllipses();
  updateMarker();
  m_view->setSelection(m_selection);
}

void LatentMapPanel::updateColours() {
  if (!m_analysis->hasEmbedding()) return;
  const auto& e = m_analysis->data().embedding;
  const QString key = colouring();
  const int n = m_analysis->size();
  std::vector<int> group(size_t(n), 0);
  QVector<LatentScatterView::Group> groups;
  auto fromLabels = [&](const torch::Tensor& labels, const QStringList& names) {
    const auto l = labels.to(torch::kInt64).contiguous();
    const int64_t* p = l.data_ptr<int64_t>();
    bool unlabelled = false;
    for (int i = 0; i < n; ++i) {
      group[size_t(i)] = p[i] >= 0 && p[i] < names.size() ? int(p[i]) : int(names.size());
      unlabelled |= group[size_t(i)] == names.size();
    }
    for (int g = 0; g < names.size(); ++g) groups.append({names[g], groupColour(g)});
    if (unlabelled) groups.append({tr("unlabelled"), QColor(170, 170, 170)});
  };
  if (key == QLatin1String("class")) {
    fromLabels(e.labels, m_analysis->classNames());
  } else if (key == QLatin1String("gmm") && m_analysis->data().gmm &&
             m_analysis->data().gmm->labels.defined()) {
    QStringList names;
    for (int64_t k = 0; k < m_analysis->data().gmm->model.components(); ++k)
      names << tr("component %1").arg(k);
    fromLabels(m_analysis->data().gmm->labels, names);
  } else if (key.startsWith(QLatin1String("attribute:")) &&
             m_analysis->attributeNames().contains(key.mid(10))) {
    const QString name = key.mid(10);
    const int a = m_analysis->attributeNames().indexOf(name);
    // +1 -> 0 (has it), -1 -> 1 (lacks it), 0 -> unknown.
    const auto values = e.attributes.index({torch::indexing::Slice(), std::max(a, 0)});
    auto labels = torch::full({n}, -1, torch::kInt64);
    labels.masked_fill_(values > 0, 0).masked_fill_(values < 0, 1);
    fromLabels(labels, {name, tr("not %1").arg(name)});
  } else {
    groups.append({tr("data set"), QColor(70, 90, 140)});
  }
  m_view->setGroups(group, groups);
}

void LatentMapPanel::updateEllipses() {
  const auto& gmm = m_analysis->data().gmm;
  if (!m_ellipses->isChecked() || !gmm || !m_state->projection ||
      gmm->model.dim() != m_state->projection->dim()) {
    m_view->setEllipses({});
    return;
  }
  std::vector<std::vector<QPointF>> outlines;
  QStringList labels;
  int k = 0;
  for (const Ellipse& ellipse : gmm->model.ellipses(*m_state->projection, 2.0)) {
    std::vector<QPointF> outline;
    for (const auto& p : ellipse.outline(kEllipsePoints)) outline.emplace_back(p[0], p[1]);
    outlines.push_back(std::move(outline));
    labels << QString::number(k++);
  }
  m_view->setEllipses(outlines, labels);
}

void LatentMapPanel::setCurrentLatent(const std::vector<float>& latent) {
  m_current = latent;
  updateMarker();
  m_neighbourTimer->start();
}

void LatentMapPanel::updateMarker() {
  if (!m_state->projection || int64_t(m_current.size()) != m_state->projection->dim()) {
    m_view->clearMarker();
    return;
  }
  const auto xy = m_state->projection->project(torch::tensor(m_current, torch::kFloat32));
  m_view->setMarker({xy[0].item<double>(), xy[1].item<double>()});
}

void LatentMapPanel::updateNeighbours() {
  if (m_analysis->detailsPending()) return;  // detailsReady brings the images and calls again
  if (!m_analysis->hasEmbedding() ||
      int64_t(m_current.size()) != m_analysis->data().embedding.means.size(1)) {
    m_neighbours->setItems({});
    return;
  }
  const auto found =
      nearest_neighbours(m_analysis->data().embedding.means,
                         torch::tensor(m_current, torch::kFloat32), m_neighbourCount->value());
  m_neighbourIndices.clear();
  QVector<ThumbnailList::Item> items;
  for (int64_t j = 0; j < found.indices.size(0); ++j) {
    const int index = int(found.indices[j].item<int64_t>());
    m_neighbourIndices.push_back(index);
    const QString caption = m_analysis->itemCaption(index);
    items.append({m_analysis->image(index), caption,
                  tr("%1, distance %2: click to load")
                      .arg(caption)
                      .arg(found.distances[j].item<float>(), 0, 'f', 3)});
  }
  m_neighbours->setItems(items);
}

void LatentMapPanel::onHover(int index, const QPoint& globalPos) {
  m_hovered = index;
  if (index < 0) {
    m_tip->hide();
    return;
  }
  m_tip->setPixmap(tipPixmap(m_analysis->image(index), m_analysis->itemCaption(index)));
  m_tip->adjustSize();
  m_tip->move(globalPos + QPoint(14, 14));
  m_tip->show();
}

void LatentMapPanel::onPointClicked(int index) {
  emit latentRequested(m_analysis->latent(index), tr("Load data set point %1").arg(index),
                       m_analysis->image(index));
}

void LatentMapPanel::onNeighbourClicked(int index) {
  if (index >= 0 && size_t(index) < m_neighbourIndices.size())
    onPointClicked(m_neighbourIndices[size_t(index)]);
}

void LatentMapPanel::onRectangle(const std::vector<int>& indices) {
  m_selection = indices;
  m_view->setSelection(m_selection);
  updateSelectionButtons();
}

void LatentMapPanel::updateSelectionButtons() {
  const bool any = !m_selection.empty();
  m_selectionLabel->setText(tr("%L1 selected · with %L2 · without %L3")
                                .arg(m_selection.size())
                                .arg(m_with.size())
                                .arg(m_without.size()));
  for (QPushButton* b : {m_endpointA, m_endpointB, m_setWith, m_setWithout}) b->setEnabled(any);
  m_newAttribute->setEnabled(!m_with.empty() && !m_without.empty());
}

void LatentMapPanel::createAttribute() {
  if (m_with.empty() || m_without.empty()) return;
  QString name = m_attributeName->text().trimmed();
  if (name.isEmpty()) name = tr("Selection %1").arg(++m_attributeCount);
  const auto& means = m_analysis->data().embedding.means;
  auto rows = [&means](const std::vector<int>& indices) {
    return means.index_select(
        0, torch::tensor(std::vector<int64_t>(indices.begin(), indices.end()), torch::kInt64));
  };
  const AttributeVector a = user_attribute(
      rows(m_with), rows(m_without), "latent map selection of " + m_analysis->spec().toStdString());
  m_attributeName->clear();
  emit attributeCreated(name, a.direction);
}

bool LatentMapPanel::exportTo(const QString& path, QString* error) {
  return m_view->exportTo(path, error);
}

void LatentMapPanel::chooseExportFile() {
  const QString path =
      QFileDialog::getSaveFileName(this, tr("Export Latent Map"), QStringLiteral("latent-map.png"),
                                   tr("PNG image (*.png);;PDF document (*.pdf)"));
  if (path.isEmpty()) return;
  QString error;
  if (!exportTo(path, &error)) emit messageRequested(tr("Could not export the map"), error);
}

}  // namespace latentlab::ui
