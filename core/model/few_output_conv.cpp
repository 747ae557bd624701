#include "core/model/few_output_conv.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstring>

namespace latentlab {
namespace {

// AVX2 + FMA where the CPU has them (chosen at load time), the baseline x86-64 elsewhere.
#if defined(__x86_64__) && defined(__GNUC__)
#define LATENTLAB_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define LATENTLAB_VECTOR_CLONES
#endif

// Output rows [row_begin, row_end) of all images (row r is image r / h, line r % h), for C
// output channels. Each input line is read once for every output channel; acc holds C lines.
template <int C>
LATENTLAB_VECTOR_CLONES void conv_rows(const float* in, const float* weight, const float* bias,
                                       float* out, int64_t cin, int64_t h, int64_t w,
                                       int64_t row_begin, int64_t row_end, float* acc) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t n = r / h, y = r % h;
    for (int co = 0; co < C; ++co)
      for (int64_t x = 0; x < w; ++x) acc[co * w + x] = bias[co];
    for (int64_t ci = 0; ci < cin; ++ci)
      for (int64_t ky = 0; ky < 3; ++ky) {
        const int64_t iy = y + ky - 1;
        if (iy < 0 || iy >= h) continue;  // zero padding above and below
        const float* line = in + ((n * cin + ci) * h + iy) * w;
        for (int co = 0; co < C; ++co) {
          const float* k = weight + ((co * cin + ci) * 3 + ky) * 3;
          const float k0 = k[0], k1 = k[1], k2 = k[2];
          float* a = acc + co * w;
          if (w == 1) {
            a[0] += k1 * line[0];
            continue;
          }
          a[0] += k1 * line[0] + k2 * line[1];  // zero padding left and right
          for (int64_t x = 1; x < w - 1; ++x)
            a[x] += k0 * line[x - 1] + k1 * line[x] + k2 * line[x + 1];
          a[w - 1] += k0 * line[w - 2] + k1 * line[w - 1];
        }
      }
    for (int co = 0; co < C; ++co)
      std::memcpy(out + ((n * C + co) * h + y) * w, acc + co * w, size_t(w) * sizeof(float));
  }
}

template <int C>
void conv(const float* in, const float* weight, const float* bias, float* out, int64_t n,
          int64_t cin, int64_t h, int64_t w) {
  // About 20 microseconds of work per task: enough rows to pay for a thread's start.
  const int64_t grain = std::max<int64_t>(1, 150000 / std::max<int64_t>(1, cin * 9 * C * w));
  at::parallel_for(0, n * h, grain, [&](int64_t begin, int64_t end) {
    std::vector<float> acc(size_t(C * w));
    conv_rows<C>(in, weight, bias, out, cin, h, w, begin, end, acc.data());
  });
}

bool all_equal(const std::vector<int64_t>& values, int64_t v) {
  return values.size() == 2 && values[0] == v && values[1] == v;
}

}  // namespace

bool is_few_output_conv3x3(const torch::Tensor& weight, const std::vector<int64_t>& stride,
                           const std::vector<int64_t>& padding,
                           const std::vector<int64_t>& dilation, int64_t groups) {
  return weight.dim() == 4 && weight.size(0) >= 1 && weight.size(0) <= 4 && weight.size(2) == 3 &&
         weight.size(3) == 3 && weight.scalar_type() == torch::kFloat32 && all_equal(stride, 1) &&
         all_equal(padding, 1) && all_equal(dilation, 1) && groups == 1;
}

torch::Tensor few_output_conv3x3(const torch::Tensor& input, const torch::Tensor& weight,
                                 const torch::Tensor& bias) {
  const auto x = input.contiguous();
  const auto k = weight.contiguous();
  const int64_t n = x.size(0), cin = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t cout = k.size(0);
  TORCH_CHECK(x.is_cpu() && x.scalar_type() == torch::kFloat32 && k.size(1) == cin,
              "few_output_conv3x3: a float32 CPU input with the weight's input channels");
  const auto b = bias.defined() ? bias.contiguous() : torch::zeros({cout}, k.options());
  auto out = torch::empty({n, cout, h, w}, x.options());
  const float* in_data = x.data_ptr<float>();
  const float* k_data = k.data_ptr<float>();
  const float* b_data = b.data_ptr<float>();
  float* out_data = out.data_ptr<float>();
  switch (cout) {
    case 1:
      conv<1>(in_data, k_data, b_data, out_data, n, cin, h, w);
      break;
    case 2:
      conv<2>(in_data, k_data, b_data, out_data, n, cin, h, w);
      break;
    case 3:
      conv<3>(in_data, k_data, b_data, out_data, n, cin, h, w);
      break;
    default:
      conv<4>(in_data, k_data, b_data, out_data, n, cin, h, w);
      break;
  }
  return out;
}

}  // namespace latentlab
