#include "ui/analysis/strip_export.h"

#include <torch/torch.h>

#include <cmath>

#include "core/common/error.h"
#include "core/image/animation_export.h"
#include "core/image/image_io.h"
#include "core/model/model.h"
#include "core/model/pixels.h"

namespace latentlab::ui {

void exportStrip(Model& model, const std::vector<std::vector<float>>& latents,
                 const StripExportOptions& options) {
  if (latents.empty()) throw InputError("there is no strip to export");
  std::vector<torch::Tensor> rows;
  for (const auto& latent : latents) rows.push_back(torch::tensor(latent, torch::kFloat32));
  const auto frames = model.decode(torch::stack(rows));  // one batch: [N, C, H, W]
  const auto range = model.output_range();
  const std::string path = options.path.toStdString();
  switch (options.format) {
    case StripFormat::Png:
      // The CLI's strip: every frame in one row, 2 pixels of the range's top (white) between.
      write_png(path, make_grid(frames, frames.size(0), /*padding=*/2, range.hi), range,
                options.scale);
      break;
    case StripFormat::Frames:
      write_frames(path, frames, range, options.scale);
      break;
    case StripFormat::Gif:
      write_gif(path, frames, range, int(std::lround(1000.0 / options.fps)), options.scale);
      break;
    case StripFormat::Video:
      write_video(path, frames, range, options.fps, options.scale);
      break;
  }
}

}  // namespace latentlab::ui
