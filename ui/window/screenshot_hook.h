#pragma once
// A hidden hook for the end-to-end test of the real binary (tests/e2e): with
// LATENTLAB_SCREENSHOT=PATH the app grabs its main window as a PNG once the first image is on
// screen, then quits with code 0 (1 if the PNG could not be written). The PNG's text entry
// "latentlab.imageRect" ("x,y,w,h") says where the decoded image lies in it, "latentlab.latent"
// (comma-separated floats) which latent it shows. With
// LATENTLAB_SCREENSHOT_RAISE=OBJECTNAME a dock (e.g. GmmDock) is raised first. With
// LATENTLAB_QUIT_AFTER_MS=N the app quits with code 1 when no image was shown within N ms. It
// also prints how long after the process started the window was built, the model loaded and the
// first image shown (docs/performance.md).
// Without these variables it does nothing.
#include <QObject>
#include <QString>

class QWidget;

namespace latentlab::ui {

class ImageView;
class LatentHost;

class ScreenshotHook : public QObject {
  Q_OBJECT

 public:
  // Null when neither variable is set. window: what is grabbed (and the hook's parent); view:
  // where the image lies in it; host: the latent it shows.
  static ScreenshotHook* fromEnvironment(QWidget& window, const ImageView& view,
                                         const LatentHost& host);

 public slots:
  void modelLoaded();  // the first: prints when
  void frameShown();   // the first: prints when, then the screenshot a moment later, then quits

 private:
  ScreenshotHook(const QString& path, QWidget& window, const ImageView& view,
                 const LatentHost& host);
  bool save() const;

  QString m_path;  // empty: only the time limit
  QWidget& m_window;
  const ImageView& m_view;
  const LatentHost& m_host;
  bool m_modelSeen = false;
  bool m_frameSeen = false;
};

}  // namespace latentlab::ui
