#pragma once
// The Latent map dock: the encoded data set as a 2D scatter (PCA plane or two chosen latent
// dimensions), coloured by class, attribute or GMM component, with the GMM's 2-sigma ellipses,
// the current latent as a live marker, a hover thumbnail, click-to-load, the nearest data set
// images of the current latent, and rectangle selections that become interpolation endpoints or
// a user-defined attribute. Export as PNG or PDF.
#include <QWidget>
#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QElapsedTimer;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;
class QToolButton;

namespace latentlab::ui {

class LatentAnalysis;
class LatentScatterView;
class ThumbnailList;

class LatentMapPanel : public QWidget {
  Q_OBJECT

 public:
  explicit LatentMapPanel(LatentAnalysis* analysis, QWidget* parent = nullptr);
  ~LatentMapPanel() override;

  LatentScatterView* view() const { return m_view; }
  ThumbnailList* neighbours() const { return m_neighbours; }
  QLabel* hoverTip() const { return m_tip; }
  int hoveredPoint() const { return m_hovered; }
  const std::vector<int>& selection() const { return m_selection; }

  // "pca" or "dims:I,J" (0-based); an unknown spec is ignored.
  void setProjection(const QString& spec);
  QString projection() const;
  // "class", "gmm", "attribute:NAME" or "none", when offered for the current data.
  void setColouring(const QString& key);
  QString colouring() const;

  // Writes the map (.png or .pdf); false with a message in *error.
  bool exportTo(const QString& path, QString* error = nullptr);

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
  struct State;  // the projection (torch types)

  QWidget* createEncodeRow();
  QWidget* createViewRow();
  QWidget* createSelectionRow();
  void onEmbeddingChanged();
  void onGmmChanged();
  void updateStatus();
  void fillColourBox();  // the offered colourings; redrawing is left to the caller
  void updateProjection();
  void updateColours();
  void updateEllipses();
  void updateMarker();
  void updateNeighbours();
  void updateSelectionButtons();
  void onHover(int index, const QPoint& globalPos);
  void onPointClicked(int index);
  void onNeighbourClicked(int index);
  void onRectangle(const std::vector<int>& indices);
  void createAttribute();
  void chooseExportFile();

  LatentAnalysis* m_analysis;
  std::unique_ptr<State> m_state;
  std::vector<float> m_current;
  std::vector<int> m_selection, m_with, m_without;
  std::vector<int> m_neighbourIndices;
  int m_hovered = -1;
  int m_attributeCount = 0;
  QString m_encodedText;  // how the points were obtained, for the status label

  QComboBox* m_dataset;
  QPushButton* m_encode;
  QProgressBar* m_progress;
  QPushButton* m_cancel;
  QLabel* m_status;
  QComboBox* m_projection;
  QSpinBox* m_dimX;
  QSpinBox* m_dimY;
  QComboBox* m_colour;
  QCheckBox* m_ellipses;
  QPushButton* m_export;
  LatentScatterView* m_view;
  QToolButton* m_select;
  QLabel* m_selectionLabel;
  QPushButton* m_endpointA;
  QPushButton* m_endpointB;
  QPushButton* m_setWith;
  QPushButton* m_setWithout;
  QLineEdit* m_attributeName;
  QPushButton* m_newAttribute;
  QSpinBox* m_neighbourCount;
  ThumbnailList* m_neighbours;
  QLabel* m_tip;
  QTimer* m_neighbourTimer;
  std::unique_ptr<QElapsedTimer> m_encodeClock;
};

}  // namespace latentlab::ui
