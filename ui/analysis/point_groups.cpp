#include "ui/analysis/point_groups.h"

#include <torch/torch.h>

#include <algorithm>

#include "ui/analysis/latent_analysis.h"
#include "ui/analysis/latent_analysis_data.h"

namespace latentlab::ui {

namespace {

PointGroups fromLabels(const torch::Tensor& labels, const QStringList& names) {
  PointGroups out;
  out.names = names;
  const auto l = labels.to(torch::kInt64).contiguous();
  const int64_t* p = l.data_ptr<int64_t>();
  out.group.resize(size_t(l.numel()));
  for (size_t i = 0; i < out.group.size(); ++i) {
    const bool known = p[i] >= 0 && p[i] < names.size();
    out.group[i] = known ? int(p[i]) : int(names.size());
    out.unlabelled |= !known;
  }
  return out;
}

}  // namespace

QStringList colouringKeys(const LatentAnalysis& analysis) {
  QStringList keys;
  const LatentAnalysisData& data = analysis.data();
  if (data.embedding.labels.defined() && !analysis.classNames().isEmpty())
    keys << QStringLiteral("class");
  if (data.gmm && data.gmm->labels.defined()) keys << QStringLiteral("gmm");
  for (const QString& name : analysis.attributeNames()) keys << QStringLiteral("attribute:") + name;
  return keys;
}

PointGroups pointGroups(const LatentAnalysis& analysis, const QString& key) {
  const LatentAnalysisData& data = analysis.data();
  const Embedding& e = data.embedding;
  if (key == QLatin1String("class") && e.labels.defined())
    return fromLabels(e.labels, analysis.classNames());
  if (key == QLatin1String("gmm") && data.gmm && data.gmm->labels.defined()) {
    QStringList names;
    for (int64_t k = 0; k < data.gmm->model.components(); ++k)
      names << LatentAnalysis::tr("component %1").arg(k);
    return fromLabels(data.gmm->labels, names);
  }
  const QString name = key.mid(10);
  const int a = int(analysis.attributeNames().indexOf(name));
  if (key.startsWith(QLatin1String("attribute:")) && a >= 0) {
    // +1 -> 0 (has it), -1 -> 1 (lacks it), 0 -> unknown.
    const auto values = e.attributes.index({torch::indexing::Slice(), a});
    auto labels = torch::full({values.size(0)}, -1, torch::kInt64);
    labels.masked_fill_(values > 0, 0).masked_fill_(values < 0, 1);
    return fromLabels(labels, {name, LatentAnalysis::tr("not %1").arg(name)});
  }
  PointGroups one;
  one.group.assign(size_t(analysis.size()), 0);
  return one;
}

}  // namespace latentlab::ui
