// latentlab-cli interpolate CKPT --from A --to B [--steps 10] [--method lerp|slerp] --out STRIP.png
//                           [--frames-dir DIR] [--gif FILE] [--video FILE.mp4]
#include <torch/torch.h>

#include <filesystem>

#include "app/cli/cli_common.h"
#include "app/cli/verbs.h"
#include "core/analysis/interpolation.h"
#include "core/common/error.h"
#include "core/image/animation_export.h"
#include "core/image/image_io.h"
#include "core/model/pixels.h"

namespace latentlab::cli {
namespace fs = std::filesystem;
namespace {

constexpr int64_t kMaxSteps = 1000;

struct InterpolateArgs {
  std::string checkpoint, from, to, out, frames_dir, gif, video, device = "auto";
  std::string method = "lerp";
  int64_t steps = 10;
  int scale = 1;
  int video_scale = 4;
  int delay_ms = 100;
  double fps = 10.0;
};

void run(const InterpolateArgs& a) {
  if (a.steps < 2 || a.steps > kMaxSteps)
    throw InputError("--steps must be between 2 and " + std::to_string(kMaxSteps));
  const auto method = parse_interpolation_method(a.method);
  // Every output is checked before any work, so a bad path fails fast and writes nothing.
  check_output_file(a.out);
  if (!a.gif.empty()) check_output_file(a.gif);
  if (!a.video.empty()) {
    if (fs::path(a.video).extension() != ".mp4")
      throw InputError("--video must end in .mp4: " + a.video);
    check_output_file(a.video);
  }
  if (!a.frames_dir.empty()) check_output_folder(a.frames_dir);

  auto loaded = open_model(a.checkpoint, a.device);
  const auto from = latent_from_spec(a.from, loaded);
  const auto to = latent_from_spec(a.to, loaded);
  const auto z = interpolate_path({from, to}, a.steps, method);
  const auto frames = decode_in_batches(*loaded.model, z);
  const auto range = loaded.model->output_range();

  // If a later output fails, the earlier ones of this run are removed again.
  WrittenFiles written;
  if (!a.video.empty()) {
    write_video(a.video, frames, range, a.fps, a.video_scale);
    written.add(a.video);
  }
  if (!a.gif.empty()) {
    write_gif(a.gif, frames, range, a.delay_ms, a.scale);
    written.add(a.gif);
  }
  if (!a.frames_dir.empty()) {
    // Frame by frame rather than write_frames, so only files this run wrote are undone.
    if (!fs::exists(a.frames_dir)) {
      write_frames(a.frames_dir, frames.narrow(0, 0, 1), range, a.scale);
      written.add(a.frames_dir);  // removed last, once empty
      written.add((fs::path(a.frames_dir) / frame_file_name(0, 1)).string());
    }
    for (int64_t i = 0; i < frames.size(0); ++i) {
      const auto path = (fs::path(a.frames_dir) / frame_file_name(i, frames.size(0))).string();
      write_png(path, frames[i], range, a.scale);
      written.add(path);
    }
  }
  write_png(a.out, make_grid(frames, frames.size(0), 2, range.hi), range, a.scale);
  written.commit();
  for (const auto* path : {&a.out, &a.frames_dir, &a.gif, &a.video})
    if (!path->empty()) report_written(*path);
}

}  // namespace

void add_interpolate_verb(CLI::App& app) {
  auto* verb = app.add_subcommand(
      "interpolate",
      "Interpolate between two endpoints and write the strip (and frames, GIF, MP4)");
  auto a = std::make_shared<InterpolateArgs>();
  const std::string endpoint =
      ": an image file (encoded to its posterior mean; VAE only), seed:N (a latent drawn "
      "from the prior with seed N) or z:FILE (a JSON/.npy file holding one latent)";
  verb->add_option("checkpoint", a->checkpoint, "Model file (LatentLab checkpoint or TorchScript)")
      ->required();
  verb->add_option("--from", a->from, "First endpoint" + endpoint)->required();
  verb->add_option("--to", a->to, "Last endpoint" + endpoint)->required();
  verb->add_option("--steps", a->steps, "Frames in the strip, both endpoints included")
      ->default_val(10);
  verb->add_option("--method", a->method,
                   "lerp (straight line) or slerp (great circle, norms interpolated linearly)")
      ->default_val("lerp");
  verb->add_option("--out", a->out, "PNG file for the strip: every frame in one row")->required();
  verb->add_option(
      "--frames-dir", a->frames_dir,
      "Also write each frame as DIR/frame_000.png, frame_001.png, ... (created if needed)");
  verb->add_option("--gif", a->gif, "Also write an animated, looping GIF");
  verb->add_option("--video", a->video, "Also write an MP4 video (MPEG-4, through OpenCV)");
  verb->add_option("--scale", a->scale,
                   "Enlarge the strip, frames and GIF this many times (nearest neighbour)")
      ->default_val(1)
      ->check(CLI::Range(1, kMaxScale));
  verb->add_option("--delay-ms", a->delay_ms, "GIF: time per frame in milliseconds")
      ->default_val(100)
      ->check(CLI::Range(10, 655350));
  verb->add_option("--fps", a->fps, "Video: frames per second")
      ->default_val(10.0)
      ->check(CLI::Range(0.1, 1000.0));
  verb->add_option("--video-scale", a->video_scale,
                   "Video: enlarge frames this many times (small videos play badly)")
      ->default_val(4)
      ->check(CLI::Range(1, kMaxScale));
  add_device_option(verb, &a->device);
  verb->callback([a] { run(*a); });
}

}  // namespace latentlab::cli
