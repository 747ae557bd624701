#pragma once
// The Latent map dock: the encoded data set as a 2D scatter (PCA plane or two chosen latent
// dimensions), coloured by class, attribute or GMM component, with the GMM's 2-sigma ellipses,
// the current latent as a live marker, a hover thumbnail, click-to-load, the nearest data set
// images of the current latent, and rectangle selections that become interpolation endpoints or
// a user-defined attribute. Export as PNG or PDF.
//
// The panel only shows: the projection of every point and of the current latent is computed on
// a worker (ui/analysis/map_projector.h), the neighbours on another (neighbour_strip.h).
#include <QWidget>
#include <vector>

#include "ui/analysis/map_projector.h"

class QLabel;

namespace latentlab::ui {

class EncodeBar;
class LatentAnalysis;
class LatentScatterView;
class MapOptionsBar;
class MapRunBar;
class NeighbourStrip;
class SelectionBar;
class ThumbnailList;

class LatentMapPanel : public QWidget {
  Q_OBJECT

 public:
  explicit LatentMapPanel(LatentAnalysis* analysis, QWidget* parent = nullptr);

  LatentScatterView* view() const { return m_view; }
  ThumbnailList* neighbours() const;
  QLabel* hoverTip() const { return m_tip; }
  int hoveredPoint() const { return m_hovered; }
  const std::vector<int>& selection() const;

  // "pca", "dims:I,J" (0-based), "attributes:A,B", "attributes:A", or "umap:..." / "tsne:..."
  // with the parameters of MapRunBar::spec (the layout starts at once); an unknown spec is
  // ignored.
  void setProjection(const QString& spec);
  QString projection() const;
  // "class", "gmm", "attribute:NAME" or "none", when offered for the current data.
  void setColouring(const QString& key);
  QString colouring() const;

  // Writes the map (.png or .pdf); false with a message in *error.
  bool exportTo(const QString& path, QString* error = nullptr);
  // True when the points, ellipses, marker and neighbours shown are the newest ones asked for.
  bool isSettled() const;

 public slots:
  void encode();  // the data set typed in the box
  void setCurrentLatent(const std::vector<float>& latent);

 signals:
  // Show this latent in the main view (a clicked point: original = its image).
  void latentRequested(const std::vector<float>& latent, const QString& text,
                       const QImage& original);
  // Use this latent as interpolation endpoint 0 (A) or 1 (B); source says where it came from.
  void endpointRequested(int endpoint, const std::vector<float>& latent, const QString& source);
  void attributeCreated(const QString& name, const std::vector<float>& direction);
  void messageRequested(const QString& title, const QString& text);

 private:
  void onEmbeddingChanged();
  void onGmmChanged();
  void offerColourings();
  void requestLayout();
  void showLayout(const MapLayout& layout);
  void showEllipses();
  void updateColours();
  void onHover(int index, const QPoint& globalPos);
  void onPointClicked(int index);
  void chooseExportFile();

  LatentAnalysis* m_analysis;
  MapProjector* m_projector;
  MapEllipses m_ellipses;  // of the plane shown, drawn when the toggle is on
  int m_hovered = -1;

  EncodeBar* m_encodeBar;
  MapOptionsBar* m_options;
  MapRunBar* m_runBar;
  LatentScatterView* m_view;
  SelectionBar* m_selection;
  NeighbourStrip* m_neighbours;
  QLabel* m_tip;
};

}  // namespace latentlab::ui
