#include "core/analysis/quadtree.h"

#include <algorithm>

#include "core/common/cpu_clones.h"

namespace latentlab {
namespace {

constexpr int kLevels = 31;  // bits per coordinate in a Morton code

// The bits of v spread to the even positions.
uint64_t spread_bits(uint64_t v) {
  v &= 0x7FFFFFFFull;
  v = (v | (v << 16)) & 0x0000FFFF0000FFFFull;
  v = (v | (v << 8)) & 0x00FF00FF00FF00FFull;
  v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0Full;
  v = (v | (v << 2)) & 0x3333333333333333ull;
  v = (v | (v << 1)) & 0x5555555555555555ull;
  return v;
}

// The quadrant (2 bits: x low, y high) of a code at depth d (0: the root's children).
int quadrant(uint64_t code, int depth) { return int((code >> (2 * (kLevels - 1 - depth))) & 3u); }

}  // namespace

void QuadTree::build(const double* xy, int64_t n) {
  nodes_.clear();
  double lo_x = xy[0], hi_x = xy[0], lo_y = xy[1], hi_y = xy[1];
  for (int64_t i = 1; i < n; ++i) {
    lo_x = std::min(lo_x, xy[2 * i]);
    hi_x = std::max(hi_x, xy[2 * i]);
    lo_y = std::min(lo_y, xy[2 * i + 1]);
    hi_y = std::max(hi_y, xy[2 * i + 1]);
  }
  // A little wider than the points, so the largest coordinates fall inside.
  width_ = std::max({hi_x - lo_x, hi_y - lo_y, 1e-300}) * (1.0 + 1e-9);
  const double scale = double(1u << kLevels) / width_;
  std::vector<std::pair<uint64_t, int32_t>> keyed(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const auto qx = uint64_t(std::min((xy[2 * i] - lo_x) * scale, double((1u << kLevels) - 1)));
    const auto qy = uint64_t(std::min((xy[2 * i + 1] - lo_y) * scale, double((1u << kLevels) - 1)));
    keyed[size_t(i)] = {spread_bits(qx) | (spread_bits(qy) << 1), int32_t(i)};
  }
  std::sort(keyed.begin(), keyed.end());
  codes_.resize(size_t(n));
  order_.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    codes_[size_t(i)] = keyed[size_t(i)].first;
    order_[size_t(i)] = keyed[size_t(i)].second;
  }
  build_cell(0, n, 0, xy);
}

int32_t QuadTree::build_cell(int64_t lo, int64_t hi, int depth, const double* xy) {
  const auto at = int32_t(nodes_.size());
  const double width = width_ / double(uint64_t(1) << depth);
  nodes_.push_back({0.0, 0.0, width * width, int32_t(hi - lo), 0});
  double x = 0.0, y = 0.0;
  if (depth == kLevels || codes_[size_t(lo)] == codes_[size_t(hi - 1)]) {
    for (int64_t r = lo; r < hi; ++r) {
      x += xy[2 * order_[size_t(r)]];
      y += xy[2 * order_[size_t(r)] + 1];
    }
  } else {
    // The points of each quadrant are a contiguous run of the sorted codes.
    int64_t begin = lo;
    for (int q = 0; q < 4 && begin < hi; ++q) {
      const auto end =
          std::partition_point(codes_.begin() + begin, codes_.begin() + hi,
                               [&](uint64_t code) { return quadrant(code, depth) <= q; });
      const int64_t stop = end - codes_.begin();
      if (stop > begin) {
        const int32_t child = build_cell(begin, stop, depth + 1, xy);
        x += nodes_[size_t(child)].x * double(stop - begin);
        y += nodes_[size_t(child)].y * double(stop - begin);
      }
      begin = stop;
    }
  }
  Node& node = nodes_[size_t(at)];
  node.x = x / double(hi - lo);
  node.y = y / double(hi - lo);
  node.skip = int32_t(nodes_.size());
  return at;
}

namespace {

// The walk of QuadTree::repulsion for one run of points (px, py: kGroup floats, the run's
// points first, then copies of its first point; the sums are kGroup floats). Single precision
// and compiled twice, for AVX2 and for any x86-64, the right one picked when the program loads:
// the inner loop over the run is then 8 lanes wide where the CPU allows.
LATENTLAB_AVX2_CLONES void walk(const QuadTree::Node* nodes, int32_t end, const float* run_x,
                                const float* run_y, double lo_x, double hi_x, double lo_y,
                                double hi_y, double theta2, float* out_x, float* out_y,
                                float* out_z) {
  constexpr int kGroup = QuadTree::kGroup;
  // Local copies: the compiler then knows nothing else writes them, and vectorises.
  float px[kGroup], py[kGroup], sum_x[kGroup] = {}, sum_y[kGroup] = {}, sum_z[kGroup] = {};
  float self[kGroup] = {};  // 1 once a point has met its own leaf (at distance 0)
  std::copy(run_x, run_x + kGroup, px);
  std::copy(run_y, run_y + kGroup, py);
  for (int32_t i = 0; i < end;) {
    const QuadTree::Node& node = nodes[i];
    if (node.skip != i + 1) {
      // The nearest the run comes to the cell's centre of mass.
      const double gx = std::max({lo_x - node.x, 0.0, node.x - hi_x});
      const double gy = std::max({lo_y - node.y, 0.0, node.y - hi_y});
      if (!(node.width2 < theta2 * (gx * gx + gy * gy))) {
        ++i;  // open the cell: its first child follows it
        continue;
      }
    }
    i = node.skip;
    const float cx = float(node.x), cy = float(node.y), c = float(node.count);
    for (int k = 0; k < kGroup; ++k) {
      const float dx = px[k] - cx, dy = py[k] - cy;
      const float d2 = dx * dx + dy * dy;
      const float q = 1.0f / (1.0f + d2);
      sum_z[k] += c * q;
      // Distance 0 only in the point's own leaf: its copies count, the point itself does not.
      // (A select, not a subtraction of the comparison: that keeps the loop vectorisable.)
      self[k] = d2 == 0.0f ? 1.0f : self[k];
      sum_x[k] += c * q * q * dx;
      sum_y[k] += c * q * q * dy;
    }
  }
  std::copy(sum_x, sum_x + kGroup, out_x);
  std::copy(sum_y, sum_y + kGroup, out_y);
  for (int k = 0; k < kGroup; ++k) out_z[k] = sum_z[k] - self[k];
}

}  // namespace

void QuadTree::repulsion(const double* xy, int64_t first, int64_t count, double theta,
                         double* force, double* z) const {
  float px[kGroup], py[kGroup], sum_x[kGroup] = {}, sum_y[kGroup] = {}, sum_z[kGroup] = {};
  const int m = int(std::min<int64_t>(count, kGroup));
  double lo_x = xy[2 * order_[size_t(first)]], hi_x = lo_x;
  double lo_y = xy[2 * order_[size_t(first)] + 1], hi_y = lo_y;
  for (int k = 0; k < kGroup; ++k) {
    const int32_t p = order_[size_t(first + (k < m ? k : 0))];
    px[k] = float(xy[2 * p]);
    py[k] = float(xy[2 * p + 1]);
    lo_x = std::min(lo_x, xy[2 * p]);
    hi_x = std::max(hi_x, xy[2 * p]);
    lo_y = std::min(lo_y, xy[2 * p + 1]);
    hi_y = std::max(hi_y, xy[2 * p + 1]);
  }
  walk(nodes_.data(), int32_t(nodes_.size()), px, py, lo_x, hi_x, lo_y, hi_y, theta * theta, sum_x,
       sum_y, sum_z);
  for (int k = 0; k < m; ++k) {
    const int32_t p = order_[size_t(first + k)];
    force[2 * p] += sum_x[k];
    force[2 * p + 1] += sum_y[k];
    z[p] += sum_z[k];
  }
}

}  // namespace latentlab
