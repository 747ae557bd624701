#pragma once
// Exporting a sequence of model images (an interpolation, a walk): numbered PNG frames, an
// animated GIF, an MP4 video. Tensors and std types only; OpenCV and giflib stay in the .cpp.
#include <torch/types.h>

#include <string>

#include "core/common/types.h"

namespace latentlab {

// Writes frames [N, C, H, W] as DIR/frame_000.png, frame_001.png, ... (more digits past 1000
// frames), each atomically, creating DIR if needed. Files from an earlier, longer export are
// left alone. Throws WriteError when DIR or a frame cannot be written.
void write_frames(const std::string& dir, const torch::Tensor& frames, OutputRange range,
                  int scale = 1);

// The file name write_frames gives frame `index` of `count`.
std::string frame_file_name(int64_t index, int64_t count);

// An animated GIF of frames [N, C, H, W], written atomically. One global palette: grey images
// use the 256 grey levels (lossless); colour frames with at most 256 distinct colours keep them
// exactly, otherwise giflib's median-cut GifQuantizeBuffer picks 256 colours over all frames.
// delay_ms is rounded to GIF's 10 ms unit (at least 20 ms, as browsers treat less as 100 ms);
// loop adds the NETSCAPE2.0 extension to repeat forever. Throws WriteError on failure.
void write_gif(const std::string& path, const torch::Tensor& frames, OutputRange range,
               int delay_ms = 100, int scale = 1, bool loop = true);

// An MP4 (MPEG-4 part 2, fourcc mp4v) through OpenCV's video backend, written to a temporary
// file and renamed. The path must end in .mp4. Frames are enlarged `scale` times (nearest
// neighbour) and to even sizes. Throws WriteError when the backend cannot write MP4.
void write_video(const std::string& path, const torch::Tensor& frames, OutputRange range,
                 double fps = 10, int scale = 4);

}  // namespace latentlab
