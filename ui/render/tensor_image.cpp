#include "ui/render/tensor_image.h"

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/model/pixels.h"

namespace latentlab::ui {

void tensorToImage(const torch::Tensor& image, OutputRange range, QImage& buffer) {
  if (image.dim() != 3 || (image.size(0) != 1 && image.size(0) != 3))
    throw InputError("an image tensor must have shape [1 or 3, H, W], got " +
                     c10::str(image.sizes()));
  const int channels = int(image.size(0));
  const int height = int(image.size(1));
  const int width = int(image.size(2));
  const auto format = channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
  if (buffer.format() != format || buffer.width() != width || buffer.height() != height) {
    buffer = QImage(width, height, format);
    if (buffer.isNull())
      throw InputError("cannot allocate a " + std::to_string(width) + "x" + std::to_string(height) +
                       " image");
  }
  torch::InferenceMode guard;
  // core's conversion, so the window shows exactly the pixels the CLI writes to PNG.
  const auto pixels = to_uint8_hwc(image, range);
  // QImage rows are padded to 4 bytes: view the buffer with its real row stride and copy once.
  auto target = torch::from_blob(buffer.bits(), {height, width, channels},
                                 {int64_t(buffer.bytesPerLine()), channels, 1}, torch::kUInt8);
  target.copy_(pixels);
}

QImage tensorToImage(const torch::Tensor& image, OutputRange range) {
  QImage out;
  tensorToImage(image, range, out);
  return out;
}

}  // namespace latentlab::ui
