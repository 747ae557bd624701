#include "core/image/image_io.h"

#include <torch/torch.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/image_header.h"
#include "core/io/atomic_file.h"
#include "core/model/pixels.h"

namespace latentlab {
namespace {

// Decodes to 1 or 3 channels (BGR) at the file's own depth, EXIF orientation applied.
cv::Mat decode(const std::string& bytes, const std::string& path) {
  if (bytes.empty()) fail<ImageError>(path, "empty file");
  // Damage and declared sizes are refused before OpenCV (and libpng's messages) see the bytes.
  const std::string problem = image_bytes_problem(bytes, kMaxImagePixels);
  if (!problem.empty()) fail<ImageError>(path, problem);
  cv::Mat image;
  try {
    const cv::Mat buffer(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
    image = cv::imdecode(buffer, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH);
  } catch (const cv::Exception& e) {
    fail<ImageError>(path, "cannot decode the image (" + std::string(e.err) + ")");
  }
  if (image.empty()) fail<ImageError>(path, "not an image, or a format OpenCV cannot read");
  if (int64_t(image.rows) * image.cols > kMaxImagePixels)
    fail<ImageError>(path, std::to_string(image.cols) + "x" + std::to_string(image.rows) +
                               " pixels is larger than the limit of " +
                               std::to_string(kMaxImagePixels / 1000000) + " megapixels");
  return image;
}

// Any depth to float32 in [0, 1]: 8-bit / 255, 16-bit / 65535, float clamped.
cv::Mat to_unit_float(const cv::Mat& image, const std::string& path) {
  cv::Mat out;
  switch (image.depth()) {
    case CV_8U:
      image.convertTo(out, CV_32F, 1.0 / 255.0);
      break;
    case CV_16U:
      image.convertTo(out, CV_32F, 1.0 / 65535.0);
      break;
    case CV_32F:
    case CV_64F:
      image.convertTo(out, CV_32F);
      cv::patchNaNs(out, 0.0);
      out = cv::min(cv::max(out, 0.0), 1.0);
      break;
    default:
      fail<ImageError>(path, "unsupported pixel depth (expected 8 or 16 bit, or float)");
  }
  return out;
}

cv::Mat to_bgr_or_grey_uint8(const torch::Tensor& chw, OutputRange range) {
  auto hwc = to_uint8_hwc(chw, range);
  const int h = int(hwc.size(0)), w = int(hwc.size(1)), c = int(hwc.size(2));
  cv::Mat wrapped(h, w, CV_8UC(c), hwc.data_ptr<uint8_t>());
  cv::Mat out;
  if (c == 3)
    cv::cvtColor(wrapped, out, cv::COLOR_RGB2BGR);
  else
    out = wrapped.clone();
  return out;
}

}  // namespace

torch::Tensor read_image(const std::string& path, const ImageShape& shape, OutputRange range) {
  if (shape.channels != 1 && shape.channels != 3)
    throw InputError("images can be read for models with 1 or 3 channels, not " +
                     std::to_string(shape.channels));
  if (shape.height < 1 || shape.width < 1) throw InputError("bad image shape " + to_string(shape));
  std::string bytes;
  try {
    bytes = read_file(path);
  } catch (const Error& e) {
    throw ImageError(e.what());
  }
  const cv::Mat decoded = decode(bytes, path);
  cv::Mat image = to_unit_float(decoded, path);

  // Centre crop to the target aspect ratio, comparing w * H with W * h in integers.
  const int64_t w = image.cols, h = image.rows;
  cv::Rect crop(0, 0, int(w), int(h));
  if (w * shape.height > shape.width * h) {
    crop.width = int(std::max<int64_t>(1, (h * shape.width + shape.height / 2) / shape.height));
    crop.x = int((w - crop.width) / 2);
  } else if (w * shape.height < shape.width * h) {
    crop.height = int(std::max<int64_t>(1, (w * shape.height + shape.width / 2) / shape.width));
    crop.y = int((h - crop.height) / 2);
  }
  image = image(crop);
  const cv::Size target(int(shape.width), int(shape.height));
  if (image.size() != target) {
    const bool shrinking = image.cols >= target.width && image.rows >= target.height;
    cv::Mat resized;
    cv::resize(image, resized, target, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
    image = resized;
  }
  // The result's channel planes are written by OpenCV in place (BGR images in reverse order,
  // which makes them RGB), then mapped to the range in place: no temporary image tensors (they
  // were about a fifth of decoding a 64x64 face).
  cv::Mat source = image;
  if (shape.channels == 1 && image.channels() == 3)
    cv::cvtColor(image, source, cv::COLOR_BGR2GRAY);
  else if (shape.channels == 3 && image.channels() == 1)
    cv::cvtColor(image, source, cv::COLOR_GRAY2BGR);
  CV_Assert(source.type() == CV_32FC(int(shape.channels)));
  c10::InferenceMode off(false);
  auto chw = torch::empty({shape.channels, shape.height, shape.width});
  std::vector<cv::Mat> planes;
  for (int64_t c = 0; c < shape.channels; ++c)
    planes.emplace_back(int(shape.height), int(shape.width), CV_32F,
                        chw[shape.channels - 1 - c].data_ptr<float>());
  cv::split(source, planes);
  for (int64_t c = 0; c < shape.channels; ++c)  // split wrote into the tensor, not elsewhere
    CV_Assert(planes[size_t(c)].ptr<float>() == chw[shape.channels - 1 - c].data_ptr<float>());
  return chw.clamp_(0.0, 1.0).mul_(range.hi - range.lo).add_(range.lo);
}

std::string encode_png(const torch::Tensor& chw, OutputRange range, int scale) {
  if (scale < 1 || scale > kMaxScale)
    throw InputError("scale must be between 1 and " + std::to_string(kMaxScale));
  cv::Mat image = to_bgr_or_grey_uint8(chw, range);
  if (scale > 1) {
    cv::Mat big;
    cv::resize(image, big, cv::Size(), scale, scale, cv::INTER_NEAREST);
    image = big;
  }
  std::vector<uchar> bytes;
  try {
    if (!cv::imencode(".png", image, bytes)) throw WriteError("cannot encode a PNG image");
  } catch (const cv::Exception& e) {
    throw WriteError(std::string("cannot encode a PNG image: ") + e.err);
  }
  return std::string(bytes.begin(), bytes.end());
}

void write_png(const std::string& path, const torch::Tensor& chw, OutputRange range, int scale) {
  write_file_atomically(path, encode_png(chw, range, scale));
}

torch::Tensor decode_png_bytes(const std::string& bytes) {
  cv::Mat image = decode(bytes, "<image bytes>");
  if (image.depth() == CV_16U)
    image.convertTo(image, CV_8U, 255.0 / 65535.0);
  else if (image.depth() != CV_8U)
    image.convertTo(image, CV_8U, 255.0);
  if (image.channels() == 3) cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
  c10::InferenceMode off(false);
  return torch::from_blob(image.data, {image.rows, image.cols, image.channels()}, torch::kUInt8)
      .clone();
}

}  // namespace latentlab
