#pragma once
// Repeated runs: exact duplicates (equal trace keys) and near duplicates (MinHash signatures
// whose estimated Jaccard similarity reaches a threshold, found by LSH banding), merged into
// clusters by single linkage. Cluster and group ids are numbered by their first file in store
// order, so the output is the same for every thread count.
#include <cstdint>
#include <span>
#include <vector>

#include "util/param_table.h"

namespace malscope {

struct DuplicateOptions {
  double threshold = 0.8;  ///< estimated Jaccard similarity that makes two files near duplicates
  int bands = 16;          ///< LSH bands; the signature length must be a multiple
  int max_leaders = 32;    ///< in a large LSH bucket, members are compared with this many leaders
};

/// The flags bound to DuplicateOptions: --threshold, --bands (audit, report).
const ParamTable<DuplicateOptions>& duplicate_params();
/// Checks options against the signature length; throws UsageError naming the bad one.
void validate(const DuplicateOptions& options, int num_hashes);

struct DuplicateClusters {
  std::vector<uint32_t> exact;    ///< per file: exact-duplicate group id
  std::vector<uint32_t> cluster;  ///< per file: cluster id (exact groups joined by similarity)
  uint32_t num_exact = 0;         ///< exact groups (singletons included)
  uint32_t num_clusters = 0;      ///< clusters (singletons included)
  uint64_t compared_pairs = 0;    ///< candidate pairs whose signatures were compared
  uint64_t similar_pairs = 0;     ///< compared pairs at or above the threshold
};

/// Clusters files given their exact keys and MinHash signatures (files x num_hashes).
DuplicateClusters find_duplicates(std::span<const uint64_t> keys,
                                  std::span<const uint32_t> signatures, int num_hashes,
                                  const DuplicateOptions& options);

}  // namespace malscope
