#pragma once
// Writing an interpolation strip with core's exporters: one PNG strip (the CLI's `interpolate
// --out` layout), numbered frames, an animated GIF or an MP4 video. Every file is written
// atomically by core. Runs inside a BackgroundJob; LibTorch stays in the .cpp.
#include <QString>
#include <vector>

namespace latentlab {
class Model;
}

namespace latentlab::ui {

enum class StripFormat { Png, Frames, Gif, Video };

struct StripExportOptions {
  StripFormat format = StripFormat::Png;
  QString path;     // the file, or the folder for Frames
  int scale = 1;    // nearest-neighbour enlargement
  double fps = 10;  // GIF delay (1000 / fps ms) and video frame rate
};

// Decodes the latents in one batch and writes them. Throws WriteError (unwritable path),
// InputError (bad options, a video path without .mp4).
void exportStrip(Model& model, const std::vector<std::vector<float>>& latents,
                 const StripExportOptions& options);

}  // namespace latentlab::ui
