#include "ui/latent_map/group_palette.h"

#include <array>
#include <cmath>

namespace latentlab::ui {

QColor groupColour(int index) {
  static constexpr std::array<QRgb, 10> kTab10{0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                               0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
  if (index >= 0 && index < int(kTab10.size())) return QColor(kTab10[size_t(index)]);
  // Golden-ratio hue steps keep neighbouring indices apart.
  return QColor::fromHsvF(std::fmod(0.13 + 0.618034 * index, 1.0), 0.75, 0.85);
}

}  // namespace latentlab::ui
