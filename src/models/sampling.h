#pragma once
// Seeded sampling shared by models (early-stopping holdouts) and evaluation (folds): a small
// deterministic generator, so the same seed gives the same rows on every machine.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace malscope {

/// splitmix64: unlike std:: distributions, whose algorithms are unspecified, the same seed gives
/// the same stream everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  /// Next 64 random bits.
  uint64_t next();
  /// Uniform in [0, n).
  uint64_t below(uint64_t n) { return next() % n; }
  /// Uniform in [0, 1).
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

/// Fisher-Yates shuffle driven by rng.
void shuffle(std::span<uint32_t> v, Rng& rng);

/// 1 + the largest label; throws Error if a label is negative (an unlabeled file).
int label_classes(std::span<const int32_t> labels);

/// A stratified holdout of `share` of the rows (each class with 2+ rows gives at least one and
/// keeps at least one); returns (kept, held out), each ascending.
std::pair<std::vector<uint32_t>, std::vector<uint32_t>> stratified_holdout(
    std::span<const int32_t> labels, double share, uint64_t seed);

}  // namespace malscope
