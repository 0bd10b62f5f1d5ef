#pragma once
// Seeded, stratified k-fold assignment, optionally grouped: files of one group (e.g. repeated
// runs of one sample) always share a fold, so no sample is scored by a model that saw it.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/sampling.h"
#include "util/log.h"

namespace malscope {

class TraceStore;

/// Fold of each row, in [0, k). Without groups, each class is shuffled and dealt round-robin
/// (every class with >= k files is in every fold, fold sizes differ by at most one per class).
/// With groups (one id per row), whole groups are placed, largest first, in the fold that keeps
/// the class proportions most even. Throws UsageError if k < 2 or there are fewer rows (or
/// groups) than k.
std::vector<uint32_t> assign_folds(std::span<const int32_t> labels, int k, uint64_t seed,
                                   std::span<const uint32_t> groups = {});

/// Rows in fold f (valid) and the rest (train), ascending.
void split_fold(std::span<const uint32_t> folds, uint32_t f, std::vector<uint32_t>& train,
                std::vector<uint32_t>& valid);

/// Reads a groups CSV (`file_id,group`, header required) for the files of `store`: returns one
/// group id per store file. Files not listed get a group of their own; rows naming files not in
/// the store are ignored, and `log` is told how many ("g.csv: 3 file_ids not in the store were
/// ignored"). Throws Error naming the file and line for a bad header, a missing field or a file
/// listed twice.
std::vector<uint32_t> read_groups(const std::string& path, const TraceStore& store,
                                  const LogFn& log = {});

}  // namespace malscope
