#pragma once
// Sketches: everything the feature pipeline needs from a store, read once. Per file: the API
// counts and first positions (sparse, by the store's API ids), the n-gram counts (ids into a
// store-wide n-gram dictionary sorted by hash) and a fixed vector of scalar statistics. N-gram
// hashes are computed from API *names*, so sketches of a test store with another API dictionary
// map onto a training vocabulary by hash; API columns map by name.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "features/thread_traits.h"
#include "store/trace_store.h"
#include "util/hash.h"

namespace malscope {

struct FeatureConfig;

/// One API's calls in one file.
struct ApiCount {
  uint16_t api = 0;    ///< id in Sketches::api_names()
  uint32_t count = 0;  ///< calls
  uint32_t first = 0;  ///< smallest `index` of a call to it (its first position in any thread)
};

/// One n-gram's occurrences in one file.
struct NgramCount {
  uint32_t id = 0;     ///< id in the sketches' n-gram dictionary
  uint32_t count = 0;  ///< occurrences, over all threads
};

/// Longest n-gram the sketches support.
inline constexpr int kMaxNgram = 5;

/// An n-gram as API ids of the store it was read from.
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
/// The hash of the empty n-gram.
inline constexpr uint64_t kNgramSeed = 0x2545f4914f6cdd1dULL;

class Sketches {
 public:
  /// Reads every file of `store` once (on `threads` threads, 0 = all cores). Only cfg.ngrams,
  /// ngram_min, ngram_max and collapse_repeats matter: n-grams of those lengths are counted
  /// within each thread (after collapsing consecutive repeats if asked); everything else is
  /// always extracted, and the other fields only change what a pipeline's fit() keeps.
  static Sketches extract(const TraceStore& store, const FeatureConfig& cfg, int threads);

  /// Rows: the store's files, in store order (row r is store file r).
  size_t size() const { return labels_.size(); }
  /// Label of row r (-1 when unlabeled).
  int32_t label(size_t r) const { return labels_[r]; }
  /// Labels of all rows.
  const std::vector<int32_t>& labels() const { return labels_; }
  /// file_id of row r.
  const std::string& file_id(size_t r) const { return file_ids_[r]; }
  /// The store's API dictionary (ApiCount::api indexes it).
  const std::vector<std::string>& api_names() const { return api_names_; }
  /// API counts of row r, by ascending API id.
  std::span<const ApiCount> apis(size_t r) const { return apis_[r]; }
  /// N-gram counts of row r, by ascending n-gram id.
  std::span<const NgramCount> ngrams(size_t r) const { return ngrams_[r]; }
  /// Scalar statistics of row r, aligned with scalar_names().
  std::span<const float> scalars(size_t r) const {
    return std::span<const float>(scalars_).subspan(r * scalar_names_.size(), scalar_names_.size());
  }
  /// Names of the scalar statistics (`stat:...`, `ret_...:...`, `thread:...`).
  const std::vector<std::string>& scalar_names() const { return scalar_names_; }

  /// Distinct n-grams seen in the store.
  size_t num_ngrams() const { return ngram_hash_.size(); }
  /// Name-based hash of n-gram `id` (ids are in ascending hash order).
  uint64_t ngram_hash(uint32_t id) const { return ngram_hash_[id]; }
  /// Length of n-gram `id`.
  int ngram_length(uint32_t id) const { return ngram_key_[id].n; }
  /// Text of n-gram `id`: API names joined by '>'.
  std::string ngram_text(uint32_t id) const;

  /// Shortest and longest n-gram counted (0, 0 when n-grams were not extracted).
  int ngram_min() const { return ngram_min_; }
  int ngram_max() const { return ngram_max_; }
  /// Whether repeats were collapsed before counting n-grams.
  bool collapse_repeats() const { return collapse_repeats_; }
  /// Approximate heap bytes held.
  size_t memory_bytes() const;

 private:
  friend class SketchBuilder;
  std::vector<int32_t> labels_;
  std::vector<std::string> file_ids_;
  std::vector<std::string> api_names_;
  std::vector<std::vector<ApiCount>> apis_;
  std::vector<std::vector<NgramCount>> ngrams_;
  std::vector<std::string> scalar_names_;
  std::vector<float> scalars_;
  std::vector<uint64_t> ngram_hash_;
  std::vector<NgramKey> ngram_key_;
  int ngram_min_ = 0, ngram_max_ = 0;
  bool collapse_repeats_ = false;
};

}  // namespace malscope
