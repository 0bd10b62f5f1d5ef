#pragma once
// Seeded sampling shared by models (early-stopping holdouts) and evaluation (folds), drawn with
// util/random.h's Rng, so the same seed gives the same rows on every machine.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace malscope {

/// 1 + the largest label; throws Error if a label is negative (an unlabeled file).
int label_classes(std::span<const int32_t> labels);

/// A stratified holdout of `share` of the rows (each class with 2+ rows gives at least one and
/// keeps at least one); returns (kept, held out), each ascending.
std::pair<std::vector<uint32_t>, std::vector<uint32_t>> stratified_holdout(
    std::span<const int32_t> labels, double share, uint64_t seed);

}  // namespace malscope
