#include "ui/window/model_info_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "core/model/model_info.h"
#include "ui/window/model_summary.h"

namespace latentlab::ui {

namespace {

QString html(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }

QString row(const QString& name, const QString& value) {
  return QStringLiteral("<tr><th align='left' valign='top'>%1</th><td>%2</td></tr>")
      .arg(name, value);
}

// A JSON value as short text: numbers to 6 significant digits, strings unquoted.
QString jsonText(const nlohmann::json& value) {
  if (value.is_number_float()) return QString::number(value.get<double>(), 'g', 6);
  if (value.is_string()) return html(value.get<std::string>());
  return html(value.dump());
}

QString overview(const ModelSummary& model, const ModelInfo& info) {
  const QString kind = QString::fromStdString(to_string(info.kind)).toUpper();
  QString architecture = html(info.architecture);
  if (!info.hyper_parameters.empty())
    architecture += QStringLiteral(" <code>%1</code>").arg(html(info.hyper_parameters.dump()));
  QString s = QStringLiteral("<h2>%1</h2><table cellspacing='4'>")
                  .arg(html(info.name.empty() ? "(unnamed)" : info.name));
  s += row(ModelInfoDialog::tr("Kind"), kind);
  s += row(ModelInfoDialog::tr("Architecture"), architecture);
  s += row(ModelInfoDialog::tr("Latent size"), QString::number(info.latent_dim));
  s += row(ModelInfoDialog::tr("Image shape"),
           QStringLiteral("%1 × %2 × %3 (channels × height × width), values in [%4, %5]")
               .arg(info.image_shape.channels)
               .arg(info.image_shape.height)
               .arg(info.image_shape.width)
               .arg(double(info.output_range.lo))
               .arg(double(info.output_range.hi)));
  s += row(ModelInfoDialog::tr("Format"), html(info.format));
  s +=
      row(ModelInfoDialog::tr("File"),
          QStringLiteral("%1 (%2)").arg(model.path.toHtmlEscaped(),
                                        QLocale().formattedDataSize(QFileInfo(model.path).size())));
  if (!model.adapted.isEmpty())
    s += row(ModelInfoDialog::tr("Adapted"),
             model.adapted.join(QStringLiteral("\n")).toHtmlEscaped().replace('\n', "<br>"));
  s += row(ModelInfoDialog::tr("Analysis store"), model.analysisPath.isEmpty()
                                                      ? ModelInfoDialog::tr("none")
                                                      : model.analysisPath.toHtmlEscaped());
  if (!info.datasets.empty()) {
    QStringList specs;
    for (const auto& spec : info.datasets) specs << html(spec);
    s += row(ModelInfoDialog::tr("Bound data sets"), specs.join(QStringLiteral("<br>")));
  }
  s += row(ModelInfoDialog::tr("Device"), model.device.toHtmlEscaped());
  s += row(ModelInfoDialog::tr("Can encode"),
           model.canEncode ? ModelInfoDialog::tr("yes") : ModelInfoDialog::tr("no"));
  if (info.kind == ModelKind::Gan)
    s += row(ModelInfoDialog::tr("Discriminator"), model.canDiscriminate
                                                       ? ModelInfoDialog::tr("yes (realism meter)")
                                                       : ModelInfoDialog::tr("no"));
  if (!info.labels.empty()) {
    QStringList labels;
    for (const auto& label : info.labels) labels << html(label);
    s += row(ModelInfoDialog::tr("Labels"), labels.join(QStringLiteral(", ")));
  }
  return s + QStringLiteral("</table>");
}

QString provenance(const Provenance& p) {
  QString s =
      QStringLiteral("<h3>%1</h3><table cellspacing='4'>").arg(ModelInfoDialog::tr("Training"));
  if (p.command.empty() && p.data.empty())
    return s + row(QString(), ModelInfoDialog::tr("The file does not say how it was trained.")) +
           QStringLiteral("</table>");
  s += row(ModelInfoDialog::tr("Command"), QStringLiteral("<code>%1</code>").arg(html(p.command)));
  s += row(ModelInfoDialog::tr("Data"), html(p.data));
  s += row(ModelInfoDialog::tr("Date"), html(p.date));
  s += row(ModelInfoDialog::tr("Epochs, seed"), QStringLiteral("%1, %2").arg(p.epochs).arg(p.seed));
  s += row(ModelInfoDialog::tr("Training time"),
           ModelInfoDialog::tr("%1 s").arg(p.train_seconds, 0, 'f', 1));
  for (const auto& [name, value] : p.metrics.items()) s += row(html(name), jsonText(value));
  return s + QStringLiteral("</table>");
}

QString analysis(const ModelInfo& info) {
  QString s = QStringLiteral("<h3>%1</h3>").arg(ModelInfoDialog::tr("Attribute vectors"));
  if (info.attributes.empty()) {
    s += ModelInfoDialog::tr("<p>None stored.</p>");
  } else {
    s += QStringLiteral(
             "<table cellspacing='4'><tr><th align='left'>%1</th><th align='left'>%2</th>"
             "<th align='left'>%3</th><th align='left'>%4</th></tr>")
             .arg(ModelInfoDialog::tr("Name"), ModelInfoDialog::tr("Method"),
                  ModelInfoDialog::tr("Source"), ModelInfoDialog::tr("Accuracy"));
    for (const auto& [name, a] : info.attributes)
      s += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
               .arg(html(name), html(a.method), html(a.source),
                    a.accuracy ? QString::number(*a.accuracy, 'f', 3) : QStringLiteral("–"));
    s += QStringLiteral("</table>");
  }
  s += QStringLiteral("<h3>%1</h3>").arg(ModelInfoDialog::tr("Gaussian mixture"));
  if (!info.gmm) return s + ModelInfoDialog::tr("<p>None stored.</p>");
  QStringList weights;
  for (float w : info.gmm->weights) weights << QString::number(double(w), 'f', 3);
  return s + ModelInfoDialog::tr(
                 "<p>%1 components, %2 covariance, in %3 dimensions.<br>Weights: %4</p>")
                 .arg(info.gmm->components)
                 .arg(html(info.gmm->covariance_type))
                 .arg(info.gmm->dim)
                 .arg(weights.join(QStringLiteral(", ")));
}

}  // namespace

QString ModelInfoDialog::cardPath(const QString& checkpoint) {
  const QFileInfo file(checkpoint);
  const QString card = file.dir().filePath(file.completeBaseName() + QStringLiteral(".md"));
  return QFileInfo(card).isFile() ? card : QString();
}

ModelInfoDialog::ModelInfoDialog(const ModelSummary& model, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Model Info — %1")
                     .arg(model.name.isEmpty() ? QFileInfo(model.path).fileName() : model.name));
  m_tabs = new QTabWidget(this);
  m_summary = new QTextBrowser(this);
  m_summary->setHtml(model.info ? overview(model, *model.info) +
                                      provenance(model.info->provenance) + analysis(*model.info)
                                : tr("No model is loaded."));
  m_tabs->addTab(m_summary, tr("Summary"));

  const QString cardFile = cardPath(model.path);
  QFile card(cardFile);
  if (!cardFile.isEmpty() && card.open(QIODevice::ReadOnly)) {
    m_card = new QTextBrowser(this);
    // Images in the card are relative to its folder.
    m_card->setSearchPaths({QFileInfo(cardFile).absolutePath()});
    m_card->setOpenExternalLinks(true);
    m_card->setMarkdown(QString::fromUtf8(card.readAll()));
    m_tabs->addTab(m_card, tr("Model Card (%1)").arg(QFileInfo(cardFile).fileName()));
  }

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_tabs);
  layout->addWidget(buttons);
  resize(760, 640);
}

}  // namespace latentlab::ui
