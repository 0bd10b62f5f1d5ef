#pragma once
// Trace fingerprints for the duplicate audit: an exact key (the multiset of thread sequences, so
// repeated runs match whatever their thread ids) and a MinHash signature over API n-gram shingles
// (one-permutation hashing with optimal densification: one hash per shingle, not one per slot).
#include <cstdint>
#include <span>
#include <vector>

#include "features/thread_traits.h"  // trace_key: the exact-duplicate key
#include "store/trace_store.h"
#include "util/param_table.h"

namespace malscope {

struct MinHashOptions {
  int ngram = 3;         ///< API n-grams within a thread (1..3); shorter threads are one shingle
  int num_hashes = 128;  ///< signature length, a power of two in [8, 1024]
  bool weighted = true;  ///< the 1st, 2nd, 4th, 8th... repeat of a shingle is its own element
};

/// The flags bound to MinHashOptions: --ngram, --minhash (audit, report).
const ParamTable<MinHashOptions>& minhash_params();
/// Checks the options; throws UsageError naming the bad one.
void validate(const MinHashOptions& options);

/// Computes MinHash signatures; keeps a per-worker hash table so each trace costs O(calls).
class Shingler {
 public:
  explicit Shingler(const MinHashOptions& options);
  /// Writes the signature of a trace (api and tid columns) into sig (num_hashes values).
  void signature(const FileTrace& trace, std::span<uint32_t> sig);
  /// Distinct elements (shingles, with repeat levels when weighted) of the last trace.
  size_t last_elements() const { return elements_; }

 private:
  void count(uint64_t key);
  void grow();
  MinHashOptions opt_;
  int bin_shift_;
  std::vector<uint64_t> keys_;  // open addressing, 0 = empty
  std::vector<uint32_t> counts_;
  std::vector<uint32_t> used_;  // occupied slots, to clear in O(used)
  std::vector<uint32_t> raw_;
  std::vector<uint8_t> filled_;
  size_t elements_ = 0;
};

/// Estimated Jaccard similarity of two signatures: the share of equal positions.
double estimate_jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b);

}  // namespace malscope
