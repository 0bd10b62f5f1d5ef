#include "util/collective.h"

namespace malscope {

std::vector<std::string> Collective::all_gather(std::string_view mine) {
  std::vector<std::string> out(world());
  for (int r = 0; r < world(); ++r) {
    if (r == rank()) out[r] = std::string(mine);
    broadcast(out[r], r);
  }
  return out;
}

int64_t Collective::sum(int64_t x) {
  sum(std::span<int64_t>(&x, 1));
  return x;
}

}  // namespace malscope
