#include "models/sampling.h"

#include <fmt/format.h>
#include <algorithm>
#include <unordered_map>

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

namespace {

// Copy sets of rows by key, each listed by its first row; empty when no key repeats.
std::vector<std::vector<uint32_t>> copy_sets(std::span<const uint64_t> keys) {
  std::unordered_map<uint64_t, uint32_t> set_of;
  std::vector<std::vector<uint32_t>> sets;
  bool repeated = false;
  for (uint32_t i = 0; i < keys.size(); ++i) {
    auto [it, added] = set_of.emplace(keys[i], uint32_t(sets.size()));
    if (added) sets.emplace_back();
    repeated |= !added;
    sets[it->second].push_back(i);
  }
  if (!repeated) sets.clear();
  return sets;
}

}  // namespace

std::pair<std::vector<uint32_t>, std::vector<uint32_t>> stratified_holdout(
    std::span<const int32_t> labels, double share, uint64_t seed, std::span<const uint64_t> keys) {
  if (!keys.empty() && keys.size() != labels.size())
    throw Error(fmt::format("{} keys for {} rows", keys.size(), labels.size()));
  const int classes = label_classes(labels);
  if (auto sets = copy_sets(keys); !sets.empty()) {
    std::vector<std::vector<uint32_t>> by_class(classes);  // set numbers, by the first row's label
    std::vector<size_t> rows_of_class(classes, 0);
    for (uint32_t k = 0; k < sets.size(); ++k) by_class[labels[sets[k][0]]].push_back(k);
    for (int32_t y : labels) ++rows_of_class[y];
    Rng rng(seed);
    std::vector<uint32_t> kept, held;
    for (int c = 0; c < classes; ++c) {
      auto& ks = by_class[c];
      shuffle(ks, rng);
      const size_t n = rows_of_class[c];
      const size_t want = n < 2 ? 0 : std::clamp<size_t>(size_t(double(n) * share + 0.5), 1, n - 1);
      size_t taken = 0, i = 0;
      for (; i + 1 < ks.size() && taken < want; ++i) {  // the last set of a class is kept
        held.insert(held.end(), sets[ks[i]].begin(), sets[ks[i]].end());
        taken += sets[ks[i]].size();
      }
      for (; i < ks.size(); ++i) kept.insert(kept.end(), sets[ks[i]].begin(), sets[ks[i]].end());
    }
    std::sort(kept.begin(), kept.end());
    std::sort(held.begin(), held.end());
    return {std::move(kept), std::move(held)};
  }
  std::vector<std::vector<uint32_t>> by_class(classes);
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
