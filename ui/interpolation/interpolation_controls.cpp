#include "ui/interpolation/interpolation_controls.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <utility>

namespace latentlab::ui {

InterpolationControls::InterpolationControls(QWidget* parent) : QWidget(parent) {
  m_steps = new QSpinBox;
  m_steps->setObjectName(QStringLiteral("steps"));
  m_steps->setRange(2, kMaxSteps);
  m_steps->setValue(kDefaultSteps);
  m_steps->setToolTip(tr("Frames in the strip, both endpoints included"));
  m_method = new QComboBox;
  m_method->setObjectName(QStringLiteral("method"));
  m_method->addItem(tr("Linear"));
  m_method->addItem(tr("Spherical"));
  m_method->setToolTip(
      tr("Linear: a straight line. Spherical: along the great circle, norms "
         "interpolated linearly (keeps latents typical for a Gaussian prior)"));
  m_fps = new QDoubleSpinBox;
  m_fps->setRange(0.5, 60);
  m_fps->setValue(10);
  m_fps->setSuffix(tr(" fps"));
  m_fps->setToolTip(tr("Frame rate of Animate, the GIF and the video"));
  m_scale = new QSpinBox;
  m_scale->setRange(1, 8);
  m_scale->setValue(4);
  m_scale->setPrefix(QStringLiteral("×"));
  m_scale->setToolTip(tr("Exported images are enlarged this many times (crisp pixels)"));
  connect(m_steps, &QSpinBox::valueChanged, this, &InterpolationControls::pathChanged);
  connect(m_method, &QComboBox::currentIndexChanged, this, &InterpolationControls::pathChanged);
  connect(m_fps, &QDoubleSpinBox::valueChanged, this,
          &InterpolationControls::framesPerSecondChanged);

  auto* render = new QPushButton(tr("Render"));
  render->setObjectName(QStringLiteral("render"));
  render->setToolTip(tr("Render the strip again (it renders by itself when a setting changes)"));
  connect(render, &QPushButton::clicked, this, &InterpolationControls::renderRequested);
  m_animate = new QPushButton(tr("Animate"));
  m_animate->setObjectName(QStringLiteral("animate"));
  m_animate->setCheckable(true);
  m_animate->setToolTip(tr("Play the path back and forth in the main view"));
  connect(m_animate, &QPushButton::toggled, this, &InterpolationControls::animateToggled);
  auto* exportButton = new QPushButton(tr("Export"));
  exportButton->setToolTip(
      tr("Save the strip as one PNG, numbered PNG frames, an animated GIF or an MP4 video"));
  auto* menu = new QMenu(exportButton);
  const std::pair<QString, StripFormat> formats[] = {{tr("Strip as PNG…"), StripFormat::Png},
                                                     {tr("Numbered Frames…"), StripFormat::Frames},
                                                     {tr("Animated GIF…"), StripFormat::Gif},
                                                     {tr("MP4 Video…"), StripFormat::Video}};
  for (const auto& [text, format] : formats)
    menu->addAction(text, this, [this, format = format] { emit exportRequested(format); });
  exportButton->setMenu(menu);

  m_progress = new QProgressBar;
  m_progress->setTextVisible(false);
  m_progress->setMaximumHeight(12);
  m_progress->hide();
  m_cancel = new QToolButton;
  m_cancel->setText(tr("Cancel"));
  m_cancel->hide();
  connect(m_cancel, &QToolButton::clicked, this, &InterpolationControls::cancelRequested);

  // Two settings per row and the buttons below: the dock spans the window's width, so its
  // height is what it costs the other panels.
  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->addWidget(new QLabel(tr("Steps")), 0, 0);
  grid->addWidget(m_steps, 0, 1);
  grid->addWidget(new QLabel(tr("Path")), 0, 2);
  grid->addWidget(m_method, 0, 3);
  grid->addWidget(new QLabel(tr("Speed")), 1, 0);
  grid->addWidget(m_fps, 1, 1);
  grid->addWidget(new QLabel(tr("Export")), 1, 2);
  grid->addWidget(m_scale, 1, 3);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(render);
  buttons->addWidget(m_animate);
  buttons->addWidget(exportButton);
  grid->addLayout(buttons, 2, 0, 1, 4);
  auto* progress = new QHBoxLayout;
  progress->addWidget(m_progress, 1);
  progress->addWidget(m_cancel);
  grid->addLayout(progress, 3, 0, 1, 4);
  grid->setRowStretch(4, 1);
}

int InterpolationControls::steps() const { return m_steps->value(); }
void InterpolationControls::setSteps(int steps) { m_steps->setValue(steps); }
bool InterpolationControls::spherical() const { return m_method->currentIndex() == 1; }
void InterpolationControls::setSpherical(bool spherical) {
  m_method->setCurrentIndex(spherical ? 1 : 0);
}
double InterpolationControls::framesPerSecond() const { return m_fps->value(); }
void InterpolationControls::setFramesPerSecond(double fps) { m_fps->setValue(fps); }
int InterpolationControls::exportScale() const { return m_scale->value(); }
void InterpolationControls::setExportScale(int scale) { m_scale->setValue(scale); }

void InterpolationControls::setAnimating(bool on) {
  const QSignalBlocker block(m_animate);
  m_animate->setChecked(on);
}

void InterpolationControls::setBusy(bool busy) {
  m_progress->setVisible(busy);
  m_cancel->setVisible(busy);
  if (!busy) m_progress->setRange(0, 0);  // a busy indicator until a job reports a fraction
}

void InterpolationControls::setProgress(double fraction) {
  m_progress->setRange(0, 1000);
  m_progress->setValue(int(fraction * 1000));
}

}  // namespace latentlab::ui
