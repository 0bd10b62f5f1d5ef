#include "models/sampling.h"

#include <algorithm>

#include "util/error.h"
#include "util/random.h"

namespace malscope {

int label_classes(std::span<const int32_t> labels) {
  int32_t k = 0;
  for (int32_t y : labels) {
    if (y < 0) throw Error("a training file has no label");
    k = std::max(k, y + 1);
  }
  return k;
}

std::pair<std::vector<uint32_t>, std::vector<uint32_t>> stratified_holdout(
    std::span<const int32_t> labels, double share, uint64_t seed) {
  std::vector<std::vector<uint32_t>> by_class(label_classes(labels));
  for (uint32_t i = 0; i < labels.size(); ++i) by_class[labels[i]].push_back(i);
  Rng rng(seed);
  std::vector<uint32_t> kept, held;
  for (auto& rows : by_class) {
    shuffle(rows, rng);
    size_t n = rows.size();
    size_t h = n < 2 ? 0 : std::clamp<size_t>(size_t(double(n) * share + 0.5), 1, n - 1);
    held.insert(held.end(), rows.begin(), rows.begin() + h);
    kept.insert(kept.end(), rows.begin() + h, rows.end());
  }
  std::sort(kept.begin(), kept.end());
  std::sort(held.begin(), held.end());
  return {std::move(kept), std::move(held)};
}

}  // namespace malscope
