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
/// keeps at least one); returns (kept, held out), each ascending. With `keys` (one per row: rows
/// with equal keys are copies of one trace), copies are held out or kept together: whole sets,
/// drawn per class (of the set's first row) until the class's share is reached, so an early
/// stop is not judged on copies of training rows. Without a repeated key, the same rows as
/// without keys.
std::pair<std::vector<uint32_t>, std::vector<uint32_t>> stratified_holdout(
    std::span<const int32_t> labels, double share, uint64_t seed,
    std::span<const uint64_t> keys = {});

}  // namespace malscope
