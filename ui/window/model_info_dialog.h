#pragma once
// Model > Model Info…: the model card. A summary of what the checkpoint says about itself (kind,
// architecture, latent size, image shape, training provenance and metrics, attribute vectors,
// GMM) and, when a Markdown card NAME.md lies beside the checkpoint, that card rendered.
#include <QDialog>

class QTabWidget;
class QTextBrowser;

namespace latentlab::ui {

struct ModelSummary;

class ModelInfoDialog : public QDialog {
  Q_OBJECT

 public:
  explicit ModelInfoDialog(const ModelSummary& model, QWidget* parent = nullptr);

  // The Markdown card beside a checkpoint (same folder and base name, suffix .md), or "".
  static QString cardPath(const QString& checkpoint);

  QTextBrowser* summary() const { return m_summary; }
  QTextBrowser* card() const { return m_card; }  // null without a Markdown card

 private:
  QTabWidget* m_tabs;
  QTextBrowser* m_summary;
  QTextBrowser* m_card = nullptr;
};

}  // namespace latentlab::ui
