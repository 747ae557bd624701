#pragma once
// A hidden hook for the end-to-end test of the real binary (tests/e2e): with
// LATENTLAB_SCREENSHOT=PATH the app grabs its main window as a PNG once the first image is on
// screen, then quits with code 0 (1 if the PNG could not be written). The PNG's text entry
// "latentlab.imageRect" ("x,y,w,h") says where the decoded image lies in it, "latentlab.latent"
// (comma-separated floats) which latent it shows. With
// LATENTLAB_QUIT_AFTER_MS=N the app quits with code 1 when no image was shown within N ms. It
// also prints how long after the process started the window was built, the model loaded and the
// first image shown (docs/performance.md).
// Without these variables it does nothing.

namespace latentlab::ui {

class MainWindow;

void installScreenshotHook(MainWindow& window);

}  // namespace latentlab::ui
