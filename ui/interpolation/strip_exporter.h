#pragma once
// Export of the interpolation strip: where to write it (a file dialog per format) and the writing
// itself in the background (ui/analysis/strip_export.h: one PNG strip, numbered frames, an
// animated GIF or an MP4 video, each written atomically by core).
#include <QObject>
#include <memory>
#include <vector>

#include "ui/analysis/strip_export.h"

class QWidget;

namespace latentlab {
class Model;
}

namespace latentlab::ui {

class BackgroundJob;

class StripExporter : public QObject {
  Q_OBJECT

 public:
  explicit StripExporter(QObject* parent = nullptr);

  // Asks where to write a strip in this format (a folder for numbered frames); empty: cancelled.
  static QString choosePath(StripFormat format, QWidget* parent);

  // Decodes the latents with model and writes them in the background: exported on success,
  // errorOccurred on failure or while another export runs.
  void start(std::shared_ptr<Model> model, std::vector<std::vector<float>> latents,
             const StripExportOptions& options);
  bool isBusy() const;
  BackgroundJob* job() const { return m_job; }  // progress, outcome and cancel

 signals:
  void exported(const QString& path);
  void errorOccurred(const QString& title, const QString& text);

 private:
  BackgroundJob* m_job;
  QString m_path;  // of the running export
};

}  // namespace latentlab::ui
