#pragma once
// Shards: a store split by file into N ordinary stores, one per worker of distributed training.
// Files go round-robin within each class (stratified, deterministic), keep their order, and each
// shard's metadata says where it came from ("shard": the source store's identity, N, its index
// and the source position of each of its files), so shards of different stores, or of one store
// split two ways, are told apart before any training starts.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/trace_store.h"

namespace malscope {

/// What a shard's metadata records about its origin.
struct ShardInfo {
  std::string source_id;              ///< identity of the source store (store_identity())
  uint32_t shards = 0;                ///< N
  uint32_t index = 0;                 ///< this shard, in [0, N)
  uint32_t source_files = 0;          ///< files of the source store
  std::vector<uint32_t> source_rows;  ///< per file of the shard: its position in the source

  /// The "shard" object of a shard's metadata.
  nlohmann::json to_json() const;
  /// Reads a store's "shard" metadata; throws Error naming `path` if it has none or it is bad.
  static ShardInfo of_store(const TraceStore& store);
};

/// A content identity of a store: a hex hash of its file ids, labels, row counts and API names.
std::string store_identity(const TraceStore& store);

/// The shard (in [0, n)) of each file of `store`: the k-th file of each class in store order goes
/// to shard k mod n (unlabeled files count as one class).
std::vector<uint32_t> assign_shards(const TraceStore& store, uint32_t n);

/// Writes the n shards of `store` into the new folder `dir` (shard-000.store, ... and
/// shards.json, the manifest), atomically as a whole, on `threads` threads; returns the manifest.
/// Throws UsageError for n < 1 or n > files.
nlohmann::json write_shards(const TraceStore& store, uint32_t n, const std::string& dir,
                            int threads);

/// Checks that `infos` are the shards 0..N-1 of one store, in any order (throws Error naming
/// what differs); returns them ordered by index.
void check_shard_set(const std::vector<ShardInfo>& infos);

}  // namespace malscope
