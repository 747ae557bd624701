#pragma once
// The one function the GUI module (latentlab-gui.so, app/gui/gui_module.cpp) exports to the
// `latentlab` launcher (app/gui/main.cpp), which loads it with dlopen.
#include <QString>

class QWidget;

namespace latentlab::ui {

struct GuiStart {
  QString device;                  // --device
  QString checkpoint;              // opened unless an autosave is restored; may be empty
  QWidget* startWindow = nullptr;  // closed once the main window shows
};

// Builds and shows the main window and starts opening the checkpoint; the caller owns the window
// and deletes it before main() returns. Null, with a message on stderr, when it cannot.
using GuiEntry = QWidget* (*)(const GuiStart&);
inline constexpr char kGuiEntrySymbol[] = "latentlab_gui_create_window";

}  // namespace latentlab::ui
