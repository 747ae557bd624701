#include "core/image/image_quality.h"

#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"

namespace latentlab {
namespace {

constexpr int kWindow = 11;  // 2 * int(3.5 * sigma + 0.5) + 1, scikit-image's truncation
constexpr double kSigma = 1.5, kK1 = 0.01, kK2 = 0.03;

cv::Mat blurred(const cv::Mat& plane) {
  cv::Mat out;
  cv::GaussianBlur(plane, out, cv::Size(kWindow, kWindow), kSigma, kSigma, cv::BORDER_REFLECT);
  return out;
}

double channel_ssim(const cv::Mat& x, const cv::Mat& y, double data_range) {
  const double c1 = (kK1 * data_range) * (kK1 * data_range);
  const double c2 = (kK2 * data_range) * (kK2 * data_range);
  const cv::Mat mx = blurred(x), my = blurred(y);
  const cv::Mat vx = blurred(x.mul(x)) - mx.mul(mx);
  const cv::Mat vy = blurred(y.mul(y)) - my.mul(my);
  const cv::Mat cxy = blurred(x.mul(y)) - mx.mul(my);
  const cv::Mat numerator = (2.0 * mx.mul(my) + c1).mul(2.0 * cxy + c2);
  const cv::Mat denominator = (mx.mul(mx) + my.mul(my) + c1).mul(vx + vy + c2);
  cv::Mat map;
  cv::divide(numerator, denominator, map);
  // The border's windows reach outside the image: left out, as scikit-image crops them.
  const int pad = kWindow / 2;
  return cv::mean(map(cv::Rect(pad, pad, x.cols - 2 * pad, x.rows - 2 * pad)))[0];
}

}  // namespace

double ssim(const torch::Tensor& a, const torch::Tensor& b, double data_range) {
  if (a.dim() != 3 || a.sizes() != b.sizes())
    throw InputError("SSIM: expected two images [C, H, W] of the same shape");
  if (a.size(1) < kWindow || a.size(2) < kWindow)
    throw InputError("SSIM: images must be at least 11x11 pixels");
  const auto x = a.to(torch::kCPU, torch::kFloat64).contiguous();
  const auto y = b.to(torch::kCPU, torch::kFloat64).contiguous();
  const int h = int(a.size(1)), w = int(a.size(2));
  double total = 0.0;
  for (int64_t c = 0; c < a.size(0); ++c) {
    const cv::Mat px(h, w, CV_64F, x[c].data_ptr<double>());
    const cv::Mat py(h, w, CV_64F, y[c].data_ptr<double>());
    total += channel_ssim(px, py, data_range);
  }
  return total / double(a.size(0));
}

}  // namespace latentlab
