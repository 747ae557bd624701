#include "ui/latent_map/neighbour_strip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/neighbour_search.h"
#include "ui/widgets/thumbnail_list.h"

namespace latentlab::ui {

namespace {
constexpr int kDefaultCount = 8;
constexpr int kDelayMs = 40;  // coalesce slider drags: one search per few frames
}  // namespace

NeighbourStrip::NeighbourStrip(const LatentAnalysis* analysis, QWidget* parent)
    : QWidget(parent), m_analysis(analysis), m_search(new NeighbourSearch(analysis, this)) {
  m_count = new QSpinBox(this);
  m_count->setRange(1, 32);
  m_count->setValue(kDefaultCount);
  m_count->setToolTip(tr("How many of the nearest data set images to show"));
  m_list = new ThumbnailList(48, /*wrap=*/false, this);
  m_list->setObjectName(QStringLiteral("neighbours"));
  m_list->setToolTip(tr(
      "The data set images whose latents are nearest to the current latent; click one to load it"));
  m_timer = new QTimer(this);
  m_timer->setSingleShot(true);
  m_timer->setInterval(kDelayMs);

  auto* row = new QHBoxLayout;
  row->addWidget(new QLabel(tr("Nearest images:"), this));
  row->addWidget(m_count);
  row->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(row);
  layout->addWidget(m_list);

  connect(m_timer, &QTimer::timeout, this, &NeighbourStrip::refresh);
  connect(m_count, qOverload<int>(&QSpinBox::valueChanged), m_timer, qOverload<>(&QTimer::start));
  connect(m_search, &NeighbourSearch::found, this, &NeighbourStrip::showFound);
  connect(m_list, &ThumbnailList::thumbnailActivated, this, [this](int row) {
    if (row >= 0 && size_t(row) < m_indices.size()) emit pointChosen(m_indices[size_t(row)]);
  });
}

bool NeighbourStrip::isSettled() const { return !m_timer->isActive() && m_search->isSettled(); }

void NeighbourStrip::setCurrentLatent(const std::vector<float>& latent) {
  m_latent = latent;
  m_timer->start();
}

void NeighbourStrip::refresh() {
  m_timer->stop();
  // The thumbnails come with the analysis' details, which call this again.
  if (m_analysis->detailsPending()) return;
  m_search->search(m_latent, m_count->value());  // none for a latent of another length
}

void NeighbourStrip::clear() {
  m_indices.clear();
  m_list->setItems({});
}

void NeighbourStrip::showFound(const std::vector<Neighbour>& found) {
  m_indices.clear();
  QVector<ThumbnailList::Item> items;
  for (const Neighbour& n : found) {
    m_indices.push_back(n.index);
    items.append({n.image, n.caption,
                  tr("%1, distance %2: click to load").arg(n.caption).arg(n.distance, 0, 'f', 3)});
  }
  m_list->setItems(items);
}

}  // namespace latentlab::ui
