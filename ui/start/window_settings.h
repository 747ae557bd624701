#pragma once
// Settings keys the launcher's start window and the main window share (QSettings).

namespace latentlab::ui {

inline constexpr char kWindowGeometryKey[] = "window/geometry";
inline constexpr char kSmoothScalingKey[] = "view/smooth";

}  // namespace latentlab::ui
