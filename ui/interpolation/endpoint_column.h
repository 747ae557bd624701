#pragma once
// One endpoint of the interpolation panel: its latent, its thumbnail (EndpointView) and the ways
// to set it: Current (the main view's latent), Image… or a dropped image (a VAE encodes it, a GAN
// projects it), a dropped latent file, and Seed (the CLI's seed:N). Decoding and encoding run on a
// job of the endpoint's own, so A, B and a slow inversion never wait for each other; a newer
// request (or a new model) supersedes a running one, whose result and errors are then dropped.
#include <QWidget>
#include <functional>
#include <optional>
#include <vector>

#include "ui/window/model_summary.h"

class QSpinBox;

namespace latentlab::ui {

class BackgroundJob;
class EndpointView;

class EndpointColumn : public QWidget {
  Q_OBJECT

 public:
  using Latent = std::vector<float>;

  // name: "A" or "B", in the buttons' object names ("currentA", "seedValueB", ...).
  EndpointColumn(const QString& name, const QString& title, int seed, QWidget* parent = nullptr);

  // Clears the endpoint; a running job is cancelled and its result dropped.
  void setModel(const ModelSummary& model);
  const std::optional<Latent>& latent() const { return m_latent; }
  EndpointView* view() const { return m_view; }
  bool isBusy() const { return m_job != nullptr; }
  void cancel();

  // False (and nothing changes) without a model or for a latent of another length. A null
  // thumbnail is decoded in the background; source is the caption under it.
  bool set(Latent latent, const QImage& thumbnail, const QString& source);
  void clear();
  void setFromSeed(quint64 seed);
  // The endpoint the column shows before any is set: the prior sample of its seed box.
  void setFromShownSeed();
  // Encodes the file in the background; a file that is not an image gives errorOccurred and
  // keeps the endpoint.
  void setFromImage(const QString& path);
  // The first latent of a .json or .npy latent file; a file that is not one, or of another
  // latent length, gives errorOccurred and keeps the endpoint.
  void setFromLatentFile(const QString& path);
  // A dropped file: a latent file, else an image.
  void setFromFile(const QString& path);

 signals:
  void changed();           // set or cleared
  void currentRequested();  // "Current" was clicked: the panel sets the current latent
  void busyChanged();
  void progress(double fraction, const QString& text);
  void errorOccurred(const QString& title, const QString& text);

 private:
  void startJob(std::function<void(BackgroundJob&)> work, std::function<void()> apply,
                const QString& failureTitle);
  void decodeThumbnail(const QString& source);
  void chooseImage();

  ModelSummary m_model;
  std::optional<Latent> m_latent;
  EndpointView* m_view;
  QSpinBox* m_seed;
  BackgroundJob* m_job = nullptr;  // the newest request's; older ones are dropped
};

}  // namespace latentlab::ui
