#include "core/analysis/quadtree.h"

#include <algorithm>

namespace latentlab {
namespace {

// Deeper than this, points are merged into one leaf: cells narrower than 2^-40 of the map do
// not change the forces, and duplicates (which no split separates) stop here at the latest.
constexpr int kMaxDepth = 40;

int quadrant(double cx, double cy, double x, double y) {
  return (x >= cx ? 1 : 0) + (y >= cy ? 2 : 0);
}

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
  const double half = std::max({hi_x - lo_x, hi_y - lo_y, 1e-12}) * (0.5 + 1e-6);
  nodes_.push_back({0, 0, (lo_x + hi_x) / 2, (lo_y + hi_y) / 2, half, 0, 0, 0, -1});
  for (int64_t i = 0; i < n; ++i) insert(xy[2 * i], xy[2 * i + 1]);
}

void QuadTree::split(int32_t leaf) {
  const auto first = int32_t(nodes_.size());
  const Node old = nodes_[size_t(leaf)];
  const double h = old.half / 2;
  for (int q = 0; q < 4; ++q)
    nodes_.push_back(
        {0, 0, old.cx + ((q & 1) ? h : -h), old.cy + ((q & 2) ? h : -h), h, 0, 0, 0, -1});
  // The leaf's points move down into their quadrant; the node keeps their count and centre.
  Node& moved = nodes_[size_t(first + quadrant(old.cx, old.cy, old.px, old.py))];
  moved.com_x = old.com_x;
  moved.com_y = old.com_y;
  moved.px = old.px;
  moved.py = old.py;
  moved.count = old.count;
  nodes_[size_t(leaf)].child = first;
}

void QuadTree::insert(double x, double y) {
  int32_t at = 0;
  for (int depth = 0;; ++depth) {
    Node* node = &nodes_[size_t(at)];
    if (node->child < 0) {
      if (node->count == 0) {
        *node = {x, y, node->cx, node->cy, node->half, x, y, 1, -1};
        return;
      }
      if ((node->px == x && node->py == y) || depth >= kMaxDepth) {
        // Copies keep the centre exactly on the point (a repeated average could drift off it).
        if (node->px != x || node->py != y) {
          node->com_x += (x - node->com_x) / (node->count + 1);
          node->com_y += (y - node->com_y) / (node->count + 1);
        }
        ++node->count;
        return;
      }
      split(at);
      node = &nodes_[size_t(at)];
    }
    node->com_x += (x - node->com_x) / (node->count + 1);
    node->com_y += (y - node->com_y) / (node->count + 1);
    ++node->count;
    at = node->child + quadrant(node->cx, node->cy, x, y);
  }
}

void QuadTree::repulsion(double x, double y, double theta, double* fx, double* fy,
                         double* z) const {
  const double theta2 = theta * theta;
  int32_t stack[4 * kMaxDepth + 8];
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const Node& node = nodes_[size_t(stack[--top])];
    if (node.count == 0) continue;
    const double dx = x - node.com_x, dy = y - node.com_y;
    const double d2 = dx * dx + dy * dy;
    const double width = 2.0 * node.half;
    if (node.child >= 0 && !(width * width < theta2 * d2)) {
      for (int q = 0; q < 4; ++q) stack[top++] = node.child + q;
      continue;
    }
    if (node.child < 0 && d2 == 0.0) {
      *z += node.count - 1;  // the point's own leaf: its copies, at distance 0
      continue;
    }
    const double q = 1.0 / (1.0 + d2);
    const double cq = node.count * q;
    *z += cq;
    *fx += cq * q * dx;
    *fy += cq * q * dy;
  }
}

}  // namespace latentlab
