#pragma once
// What the feature pipeline needs from one file trace, read in one pass: API counts and first
// positions, the n-grams within each thread with their counts, and the scalar statistics. A
// TraceSketcher works on any trace (from a store, a report, a request) given the API names its
// ids index; Sketches (sketches.h) collects the sketches of many traces.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "features/ngram_counter.h"
#include "features/thread_traits.h"
#include "store/trace_store.h"
#include "util/hash.h"

namespace malscope {

struct FeatureConfig;

/// One API's calls in one file.
struct ApiCount {
  uint16_t api = 0;    ///< id in the API names of the trace's source
  uint32_t count = 0;  ///< calls
  uint32_t first = 0;  ///< smallest `index` of a call to it (its first position in any thread)
};

/// Longest n-gram the sketches support.
inline constexpr int kMaxNgram = 5;

/// An n-gram as API ids of the source it was read from.
struct NgramKey {
  uint16_t api[kMaxNgram] = {};
  uint8_t n = 0;
};

/// Hash of an API name, the seed of every n-gram hash (stable across stores and runs).
uint64_t api_name_hash(std::string_view name);
/// Extends an n-gram hash by one more API (start from kNgramSeed).
inline uint64_t ngram_extend(uint64_t h, uint64_t api_hash) {
  return mix64(h ^ api_hash) + 0x632be59bd9b4e019ULL;
}
/// Marks the end of one thread and the start of the next in TraceSketch::sequence.
inline constexpr uint32_t kSequenceBreak = UINT32_MAX;

/// The hash of the empty n-gram.
inline constexpr uint64_t kNgramSeed = 0x2545f4914f6cdd1dULL;

/// The sketch of one trace. N-gram hashes are computed from API names, so sketches of sources
/// with different API numberings meet on a vocabulary by hash.
struct TraceSketch {
  std::vector<ApiCount> apis;  ///< by ascending API id
  /// Distinct n-grams, by ascending hash; `tag` is position << 3 | length of the first
  /// occurrence in `seq`.
  std::vector<NgramCounter::Slot> ngrams;
  std::vector<uint16_t> seq;   ///< the threads' API ids (repeats collapsed if asked), in order
  std::vector<float> scalars;  ///< aligned with TraceSketcher::scalar_names()
  /// With cfg.sequence_len: the file's first calls (API ids; consecutive repeats collapsed;
  /// kSequenceBreak between threads), at most sequence_len of them.
  std::vector<uint32_t> sequence;
  uint64_t key = 0;  ///< trace_key (thread_traits.h): equal for exact copies of a trace
  /// The API ids of n-gram i.
  NgramKey ngram_key(size_t i) const;
};

class TraceSketcher {
 public:
  /// Sketches traces whose API ids index `api_names`. Only cfg.ngrams, ngram_min, ngram_max,
  /// collapse_repeats (the n-grams counted) and sequence_len matter; everything else is always
  /// extracted.
  TraceSketcher(std::span<const std::string> api_names, bool has_return_value,
                const FeatureConfig& cfg);
  /// Names of TraceSketch::scalars (`stat:...`, `ret_...:...`, `thread:...`).
  const std::vector<std::string>& scalar_names() const { return scalar_names_; }
  /// Sketches `trace` (needs api, tid and index; ret when has_return_value) into `out`,
  /// reusing its buffers. Throws Error for a trace too long to count n-grams of (2^29 calls).
  void sketch(const FileTrace& trace, TraceSketch& out);

 private:
  void count_apis(const FileTrace& t, TraceSketch& out);
  void count_ngrams(const FileTrace& t, TraceSketch& out);
  void take_sequence(const FileTrace& t, TraceSketch& out) const;

  bool has_ret_;
  bool ngrams_, collapse_;
  int ngram_min_, ngram_max_;
  uint32_t sequence_len_;
  FamilyMap families_;
  std::vector<uint64_t> name_hash_;
  std::vector<std::string> scalar_names_;
  size_t n_stats_ = 0;
  NgramCounter counter_;
  std::vector<uint32_t> count_, first_;  // by API id
  std::vector<uint16_t> touched_;        // API ids counted in the current trace
};

}  // namespace malscope
