#pragma once
// One parallel pass over a store that gathers, per file, what the profile and the audit need:
// API call counts, thread-structure traits and duplicate fingerprints. `report` needs all three
// and reads the call data once.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/minhash.h"
#include "features/thread_traits.h"
#include "store/trace_store.h"
#include "util/log.h"

namespace malscope {

struct ScanOptions {
  bool api_counts = true;    ///< per-file API call counts (profile)
  bool traits = true;        ///< thread-structure traits (profile)
  bool fingerprints = true;  ///< exact keys and MinHash signatures (audit)
  MinHashOptions minhash;
  /// When set, fingerprints are made over these API ids (indexed by the store's own), so two
  /// stores can be compared (see api_remap in overlap.h). Counts and traits keep the store's.
  std::vector<uint16_t> api_remap;
  ProgressFn progress;  ///< progress of the pass (empty: none)
};

/// Per-file results of a scan, indexed by store file number.
struct CorpusScan {
  uint32_t files = 0;
  /// Sparse API counts, CSR: file f's (api, calls) pairs, by ascending api, are
  /// [count_ptr[f], count_ptr[f+1]).
  std::vector<uint64_t> count_ptr;
  std::vector<uint16_t> count_api;
  std::vector<uint32_t> count_calls;
  std::vector<std::string> trait_names;  ///< thread_trait_names() of the family map
  std::vector<double> traits;            ///< files x trait_names.size(), row-major
  std::vector<uint64_t> keys;            ///< exact-duplicate key per file (trace_key)
  MinHashOptions minhash;                ///< how the signatures were made
  int num_hashes = 0;
  std::vector<uint32_t> signatures;  ///< files x num_hashes, row-major
  double seconds = 0;                ///< wall time of the pass

  /// The traits of file f.
  std::span<const double> trait_row(uint32_t f) const;
  /// The MinHash signature of file f.
  std::span<const uint32_t> signature(uint32_t f) const;
};

/// Reads the api and tid columns of every file once, on `threads` threads (0 = all cores).
CorpusScan scan_corpus(const TraceStore& store, const FamilyMap& families,
                       const ScanOptions& options, int threads);

}  // namespace malscope
