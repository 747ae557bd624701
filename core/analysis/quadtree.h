#pragma once
// The quadtree of Barnes-Hut t-SNE (van der Maaten 2014): every cell knows how many points it
// holds and their centre of mass, so a far cell stands for all of its points at once.
//
// Built from the points sorted along a Morton (Z-order) curve: the cells come out in depth-first
// order, each with the index just past its subtree, so a traversal walks the array forwards
// without a stack, and a run of points along the curve (close together) can share one walk.
#include <cstdint>
#include <vector>

namespace latentlab {

class QuadTree {
 public:
  // Rebuilds the tree over n points (xy: 2 doubles each), reusing the storage. Points closer
  // than 2^-31 of the tree's width share a leaf (copies of a point always do).
  void build(const double* xy, int64_t n);

  // The repulsion on the tree's own points order()[first, first + count) (a run along the
  // curve, at most kGroup points): for each point p, over the cells it needs, each weighted by
  // its point count c and q = 1 / (1 + d^2), adds sum c q^2 (p - centre) to force[2p], force[2p+1]
  // and sum c q to z[p]. A cell is summarised for the whole run when its width^2 < theta^2 d^2,
  // d the distance from its centre of mass to the run's bounding box (theta 0: exact), else it is
  // opened. Each point itself is left out (copies of it count with q = 1 and no force).
  // Walking the tree once per run instead of once per point is what makes this fast: the inner
  // loop over the run has no branches.
  static constexpr int kGroup = 16;
  void repulsion(const double* xy, int64_t first, int64_t count, double theta, double* force,
                 double* z) const;

  // The points in Morton order.
  const std::vector<int32_t>& order() const { return order_; }
  int64_t nodes() const { return int64_t(nodes_.size()); }

  struct Node {
    double x, y;    // centre of mass
    double width2;  // the cell's width, squared
    int32_t count;  // points below
    int32_t skip;   // the node after this subtree (this + 1: a leaf)
  };

 private:
  // Builds the cell of the sorted points [lo, hi) at `depth`; returns its index.
  int32_t build_cell(int64_t lo, int64_t hi, int depth, const double* xy);

  std::vector<Node> nodes_;
  std::vector<uint64_t> codes_;  // Morton codes, sorted
  std::vector<int32_t> order_;   // the points in code order
  double width_ = 0.0;           // of the root
};

}  // namespace latentlab
