#include "core/image/animation_export.h"

#include <gif_lib.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/io/atomic_file.h"
#include "core/model/pixels.h"

namespace latentlab {
namespace fs = std::filesystem;
namespace {

void check_frames(const torch::Tensor& frames, int scale) {
  if (frames.dim() != 4 || frames.size(0) < 1 || (frames.size(1) != 1 && frames.size(1) != 3))
    throw InputError("frames must have shape [N, C, H, W] with N >= 1 and C 1 or 3, got " +
                     c10::str(frames.sizes()));
  if (scale < 1 || scale > kMaxScale)
    throw InputError("scale must be between 1 and " + std::to_string(kMaxScale));
}

// [N, H, W, C] uint8 on the CPU.
torch::Tensor to_uint8_frames(const torch::Tensor& frames, OutputRange range) {
  std::vector<torch::Tensor> out;
  for (int64_t i = 0; i < frames.size(0); ++i) out.push_back(to_uint8_hwc(frames[i], range));
  return torch::stack(out);
}

// ---- GIF

struct GifPalette {
  std::vector<GifColorType> colors;  // exactly 256 (giflib wants a power of two)
  torch::Tensor indices;             // [N, H, W] uint8 into colors
};

GifPalette grey_palette(const torch::Tensor& pixels) {
  GifPalette p;
  for (int v = 0; v < 256; ++v)
    p.colors.push_back(GifColorType{GifByteType(v), GifByteType(v), GifByteType(v)});
  p.indices = pixels.select(3, 0).contiguous();
  return p;
}

GifPalette colour_palette(const torch::Tensor& pixels, const std::string& path) {
  const int64_t n = pixels.size(0), h = pixels.size(1), w = pixels.size(2);
  const int64_t count = n * h * w;
  const auto* rgb = pixels.data_ptr<uint8_t>();
  GifPalette p;
  p.indices = torch::empty({n, h, w}, torch::kUInt8);
  auto* out = p.indices.data_ptr<uint8_t>();

  // Few colours (drawings, flat test images): keep them exactly, in sorted order.
  std::map<uint32_t, int> exact;
  for (int64_t i = 0; i < count && exact.size() <= 256; ++i)
    exact.emplace((uint32_t(rgb[3 * i]) << 16) | (uint32_t(rgb[3 * i + 1]) << 8) | rgb[3 * i + 2],
                  0);
  if (exact.size() <= 256) {
    int next = 0;
    for (auto& [packed, index] : exact) {
      index = next++;
      p.colors.push_back(GifColorType{GifByteType(packed >> 16), GifByteType((packed >> 8) & 0xff),
                                      GifByteType(packed & 0xff)});
    }
    p.colors.resize(256, GifColorType{0, 0, 0});
    for (int64_t i = 0; i < count; ++i)
      out[i] = uint8_t(exact.at((uint32_t(rgb[3 * i]) << 16) | (uint32_t(rgb[3 * i + 1]) << 8) |
                                rgb[3 * i + 2]));
    return p;
  }

  // Many colours: one median-cut palette over every frame at once (frames stacked vertically).
  std::vector<GifByteType> r(static_cast<size_t>(count)), g(r.size()), b(r.size());
  for (int64_t i = 0; i < count; ++i) {
    r[size_t(i)] = rgb[3 * i];
    g[size_t(i)] = rgb[3 * i + 1];
    b[size_t(i)] = rgb[3 * i + 2];
  }
  int size = 256;
  p.colors.assign(256, GifColorType{0, 0, 0});
  if (GifQuantizeBuffer(unsigned(w), unsigned(n * h), &size, r.data(), g.data(), b.data(), out,
                        p.colors.data()) != GIF_OK)
    throw WriteError("cannot write '" + path + "': colour quantisation failed");
  return p;
}

int write_to_string(GifFileType* gif, const GifByteType* data, int length) {
  static_cast<std::string*>(gif->UserData)
      ->append(reinterpret_cast<const char*>(data), size_t(length));
  return length;
}

std::string gif_error(const std::string& path, int code) {
  const char* text = GifErrorString(code);
  return "cannot write '" + path + "': giflib: " + (text ? text : "unknown error");
}

std::string encode_gif(const std::string& path, const GifPalette& palette, int64_t n, int64_t h,
                       int64_t w, int delay_ms, int scale, bool loop) {
  std::string bytes;
  int error = 0;
  GifFileType* gif = EGifOpen(&bytes, write_to_string, &error);
  if (!gif) throw WriteError(gif_error(path, error));
  // Closes the file on every path out; giflib frees the handle in EGifCloseFile.
  auto close = [&](bool ok) {
    int close_error = 0;
    const bool closed = EGifCloseFile(gif, &close_error) == GIF_OK;
    gif = nullptr;
    if (ok && !closed) throw WriteError(gif_error(path, close_error));
  };
  auto check = [&](int result) {
    if (result != GIF_OK) {
      const int code = gif->Error;
      close(false);
      throw WriteError(gif_error(path, code));
    }
  };
  const int width = int(w * scale), height = int(h * scale);
  if (width > 65535 || height > 65535) {
    close(false);
    throw InputError("cannot write '" + path + "': a GIF is at most 65535 pixels wide and high");
  }
  ColorMapObject* map = GifMakeMapObject(256, palette.colors.data());
  if (!map) {
    close(false);
    throw WriteError("cannot write '" + path + "': out of memory");
  }
  EGifSetGifVersion(gif, true);  // GIF89a: needed for delays and looping
  const int screen = EGifPutScreenDesc(gif, width, height, 8, 0, map);
  GifFreeMapObject(map);
  check(screen);
  if (loop) {
    // NETSCAPE2.0 application extension: sub-block 1, loop count 0 = forever.
    const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
    const GifByteType loops[] = {1, 0, 0};
    check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE));
    check(EGifPutExtensionBlock(gif, sizeof app, app));
    check(EGifPutExtensionBlock(gif, sizeof loops, loops));
    check(EGifPutExtensionTrailer(gif));
  }
  GraphicsControlBlock gcb{};
  gcb.DisposalMode = DISPOSE_DO_NOT;
  gcb.UserInputFlag = false;
  gcb.DelayTime = std::max(2, int(std::lround(delay_ms / 10.0)));
  gcb.TransparentColor = NO_TRANSPARENT_COLOR;
  GifByteType gcb_bytes[4];
  const size_t gcb_size = EGifGCBToExtension(&gcb, gcb_bytes);

  std::vector<GifByteType> line(static_cast<size_t>(width));
  const auto* index = palette.indices.data_ptr<uint8_t>();
  for (int64_t f = 0; f < n; ++f) {
    check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(gcb_size), gcb_bytes));
    check(EGifPutImageDesc(gif, 0, 0, width, height, false, nullptr));
    for (int y = 0; y < height; ++y) {
      const uint8_t* row = index + (f * h + y / scale) * w;
      for (int x = 0; x < width; ++x) line[size_t(x)] = row[x / scale];
      check(EGifPutLine(gif, line.data(), width));
    }
  }
  close(true);
  return bytes;
}

cv::Mat bgr_frame(const torch::Tensor& hwc, int scale, cv::Size size) {
  const int h = int(hwc.size(0)), w = int(hwc.size(1)), c = int(hwc.size(2));
  cv::Mat wrapped(h, w, CV_8UC(c), const_cast<uint8_t*>(hwc.data_ptr<uint8_t>()));
  cv::Mat bgr, big;
  cv::cvtColor(wrapped, bgr, c == 3 ? cv::COLOR_RGB2BGR : cv::COLOR_GRAY2BGR);
  cv::resize(bgr, big, cv::Size(w * scale, h * scale), 0, 0, cv::INTER_NEAREST);
  if (big.size() == size) return big;
  // Pad odd sizes by repeating the last row/column: many MPEG-4 players need even sizes.
  cv::Mat padded;
  cv::copyMakeBorder(big, padded, 0, size.height - big.rows, 0, size.width - big.cols,
                     cv::BORDER_REPLICATE);
  return padded;
}

}  // namespace

std::string frame_file_name(int64_t index, int64_t count) {
  int digits = 3;
  for (int64_t limit = 1000; count > limit; limit *= 10) ++digits;
  std::string number = std::to_string(index);
  if (int(number.size()) < digits) number.insert(0, size_t(digits) - number.size(), '0');
  return "frame_" + number + ".png";
}

void write_frames(const std::string& dir, const torch::Tensor& frames, OutputRange range,
                  int scale) {
  check_frames(frames, scale);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir))
    throw WriteError("cannot write frames to '" + dir +
                     "': " + (ec ? ec.message() : std::string("not a folder")));
  const int64_t n = frames.size(0);
  for (int64_t i = 0; i < n; ++i)
    write_png((fs::path(dir) / frame_file_name(i, n)).string(), frames[i], range, scale);
}

void write_gif(const std::string& path, const torch::Tensor& frames, OutputRange range,
               int delay_ms, int scale, bool loop) {
  check_frames(frames, scale);
  if (delay_ms < 0 || delay_ms > 655350) throw InputError("GIF frame delay must be 0..655350 ms");
  const auto pixels = to_uint8_frames(frames, range);
  const GifPalette palette =
      frames.size(1) == 1 ? grey_palette(pixels) : colour_palette(pixels, path);
  write_file_atomically(path, encode_gif(path, palette, pixels.size(0), pixels.size(1),
                                         pixels.size(2), delay_ms, scale, loop));
}

void write_video(const std::string& path, const torch::Tensor& frames, OutputRange range,
                 double fps, int scale) {
  check_frames(frames, scale);
  if (!(fps > 0 && fps <= 1000)) throw InputError("video frame rate must be in (0, 1000]");
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext != ".mp4") throw InputError(path + ": videos are written as .mp4");
  const auto pixels = to_uint8_frames(frames, range);
  const int w = int(pixels.size(2)) * scale, h = int(pixels.size(1)) * scale;
  const cv::Size size(w + w % 2, h + h % 2);
  write_via_temporary(path, [&](const std::string& temp) {
    cv::VideoWriter writer;
    try {
      // FFmpeg by name: letting OpenCV probe backends makes GStreamer print errors on failure.
      writer.open(temp, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, size,
                  /*isColor=*/true);
    } catch (const cv::Exception& e) {
      throw WriteError("cannot write '" + path + "': " + e.err);
    }
    if (!writer.isOpened())
      throw WriteError("cannot write '" + path + "': OpenCV's video backend cannot write MP4 here");
    for (int64_t i = 0; i < pixels.size(0); ++i) writer.write(bgr_frame(pixels[i], scale, size));
    writer.release();
  });
}

}  // namespace latentlab
