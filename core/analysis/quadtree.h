#pragma once
// The quadtree of Barnes-Hut t-SNE (van der Maaten 2014): every cell knows how many points it
// holds and their centre of mass, so a far cell stands for all of its points at once.
#include <cstdint>
#include <vector>

namespace latentlab {

class QuadTree {
 public:
  // Rebuilds the tree over n points (xy: 2 doubles each), reusing the storage. Points at exactly
  // the same place share one leaf.
  void build(const double* xy, int64_t n);

  // The repulsion on one of the tree's own points (x, y): over the cells it needs, each weighted
  // by its point count c and q = 1 / (1 + d^2), adds sum c q^2 (p - centre) to (*fx, *fy) and
  // sum c q to *z. A cell is summarised when its width^2 < theta^2 d^2 (theta 0: exact). The
  // point itself is left out (copies of it count with q = 1 and no force).
  void repulsion(double x, double y, double theta, double* fx, double* fy, double* z) const;

  int64_t nodes() const { return int64_t(nodes_.size()); }

 private:
  struct Node {
    double com_x, com_y;  // centre of mass
    double cx, cy, half;  // the square: centre and half its width
    double px, py;        // a leaf's point
    int32_t count;        // points below
    int32_t child;        // first of 4 children, -1 for a leaf
  };

  void insert(double x, double y);
  void split(int32_t leaf);

  std::vector<Node> nodes_;
};

}  // namespace latentlab
