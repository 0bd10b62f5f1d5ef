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

/// Groups of exact copies (repeated runs of one sample): rows with equal trace keys
/// (trace_key, features/thread_traits.h) share a group.
struct CopyGroups {
  std::vector<uint32_t> group;  ///< per row: the position of the first row with its key; empty
                                ///< when no key repeats (plain folds then, as without groups)
  uint32_t sets = 0;            ///< keys held by 2+ rows
  uint32_t files = 0;           ///< rows in those sets
};
/// The copy groups of rows with these keys.
CopyGroups copy_groups(std::span<const uint64_t> keys);
/// The copy groups of a store's files (one pass over the api and tid columns, on `threads`
/// threads), for what draws folds before the sketches exist (hardening).
CopyGroups copy_groups(const TraceStore& store, int threads);
/// "folds: 126 sets of identical traces (658 files) each kept in one fold", or "" for none.
std::string copy_groups_text(const CopyGroups& g);

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
