#pragma once
// The window's image file actions. File > Open Image… encodes an image into the current latent
// (a VAE's posterior mean, a GAN's inversion with progress and cancel) and shows the original
// beside the reconstruction; File > Export Image saves the shown image as PNG enlarged 1x-8x
// with crisp (nearest-neighbour) pixels, written atomically.
#include <QObject>

class QMenu;
class QProgressDialog;
class QWidget;

namespace latentlab::ui {

class BackgroundJob;
class ImageView;
class LatentHost;

class ImageFileActions : public QObject {
  Q_OBJECT

 public:
  static constexpr int kMaxExportScale = 8;

  // view: the image that Export Image saves; window: the dialogs' parent (its QObject parent too).
  ImageFileActions(LatentHost& host, const ImageView& view, QWidget* window);

  // Adds Open Image… and the Export Image submenu to the File menu.
  void addActions(QMenu* file);

  // Background work; a file that is not an image, or a model that cannot encode, gives a
  // message and changes nothing.
  void openImage(const QString& path);
  bool isBusy() const;
  // Returns false after telling the message handler (no image, bad scale, unwritable path).
  bool exportImage(const QString& path, int scale);

 private:
  void chooseImage();
  void chooseExport(int scale);

  LatentHost& m_host;
  const ImageView& m_view;
  QWidget* m_window;
  BackgroundJob* m_job;
  QProgressDialog* m_progress = nullptr;  // for a GAN's inversion, which takes seconds
};

}  // namespace latentlab::ui
