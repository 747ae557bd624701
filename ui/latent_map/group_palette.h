#pragma once
// Colours for the groups of a plot (classes, GMM components): matplotlib's tab10 for the first
// ten, so plots look like the course notebooks, then evenly spaced hues.
#include <QColor>

namespace latentlab::ui {

QColor groupColour(int index);

}  // namespace latentlab::ui
