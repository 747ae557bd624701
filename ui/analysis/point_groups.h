#pragma once
// What the Latent map colours its points by: every encoded point's group for a colouring key,
// from the data set's class labels, a binary attribute, or the active GMM's components. Plain
// values; LibTorch stays in the .cpp.
#include <QString>
#include <QStringList>
#include <vector>

namespace latentlab::ui {

class LatentAnalysis;

struct PointGroups {
  // Per encoded point: an index into names, or names.size() for a point without a label.
  std::vector<int> group;
  QStringList names;        // empty: one group of every point (no labels for this key)
  bool unlabelled = false;  // some points have no label: they form one more group after names
};

// The keys pointGroups can serve for the analysis' current data, in the order the map offers
// them: "class" (the data set has labels), "gmm" (the active mixture is evaluated on the points),
// then "attribute:NAME" for each binary attribute.
QStringList colouringKeys(const LatentAnalysis& analysis);

// key: "class", "gmm" or "attribute:NAME". A key the analysis cannot serve (no labels, no
// evaluated GMM, an unknown attribute, "none") gives the one group.
PointGroups pointGroups(const LatentAnalysis& analysis, const QString& key);

}  // namespace latentlab::ui
