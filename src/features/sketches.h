#pragma once
// Sketches: the TraceSketches (trace_sketch.h) of a set of traces, numbered as rows. Per row: the
// API counts and first positions (sparse, by the source's API ids), the n-gram counts (ids into
// one n-gram dictionary sorted by hash) and a fixed vector of scalar statistics. N-gram hashes are
// computed from API *names*, so sketches of a test store with another API dictionary map onto a
// training vocabulary by hash; API columns map by name. A store is read with extract(); any other
// traces (one report, one request) go through a SketchBuilder, the same code.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "features/trace_sketch.h"
#include "store/trace_store.h"
#include "util/log.h"

namespace malscope {

/// One n-gram's occurrences in one file.
struct NgramCount {
  uint32_t id = 0;     ///< id in the sketches' n-gram dictionary
  uint32_t count = 0;  ///< occurrences, over all threads
};

class Sketches {
 public:
  /// Reads every file of `store` once (on `threads` threads, 0 = all cores); row r is store file
  /// r. Only cfg.ngrams, ngram_min, ngram_max, collapse_repeats and sequence_len matter: n-grams
  /// of those lengths are counted within each thread (after collapsing consecutive repeats if
  /// asked), and the first sequence_len calls kept; everything else is always extracted, and the
  /// other fields only change what a pipeline's fit() keeps.
  static Sketches extract(const TraceStore& store, const FeatureConfig& cfg, int threads,
                          const ProgressFn& progress = {});

  /// Rows (for extract(): the store's files, in store order).
  size_t size() const { return labels_.size(); }
  /// Label of row r (-1 when unlabeled).
  int32_t label(size_t r) const { return labels_[r]; }
  /// Labels of all rows.
  const std::vector<int32_t>& labels() const { return labels_; }
  /// file_id of row r.
  const std::string& file_id(size_t r) const { return file_ids_[r]; }
  /// file_id of every row.
  const std::vector<std::string>& file_ids() const { return file_ids_; }
  /// The source's API dictionary (ApiCount::api indexes it).
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

  /// Distinct n-grams seen in the rows.
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
  /// Longest call sequence kept per row (FeatureConfig::sequence_len; 0: none kept).
  uint32_t sequence_len() const { return sequence_len_; }
  /// The call sequence of row r (API ids, kSequenceBreak between threads; trace_sketch.h).
  std::span<const uint32_t> sequence(size_t r) const {
    return sequences_.empty() ? std::span<const uint32_t>() : sequences_[r];
  }
  /// Exact-duplicate key of row r (trace_key, thread_traits.h): rows with equal keys are copies
  /// of one trace (repeated runs), up to thread ids and return values.
  uint64_t key(size_t r) const { return keys_[r]; }
  /// Approximate heap bytes held.
  size_t memory_bytes() const;

  /// Training weight of row r (1 unless set_weights() gave others).
  float weight(size_t r) const { return weights_.empty() ? 1.0f : weights_[r]; }
  /// Whether set_weights() gave the rows weights (transform() then carries them along).
  bool weighted() const { return !weights_.empty(); }
  /// One weight per row (empty: all 1); throws Error for another count or a weight that is not
  /// finite and positive.
  void set_weights(std::vector<float> w);

 private:
  friend class SketchBuilder;
  std::vector<int32_t> labels_;
  std::vector<std::string> file_ids_;
  std::vector<std::string> api_names_;
  std::vector<std::vector<ApiCount>> apis_;
  std::vector<std::vector<NgramCount>> ngrams_;
  std::vector<std::string> scalar_names_;
  std::vector<float> scalars_;
  std::vector<float> weights_;
  std::vector<uint64_t> keys_;
  std::vector<std::vector<uint32_t>> sequences_;  // per row, with sequence_len_ > 0
  std::vector<uint64_t> ngram_hash_;
  std::vector<NgramKey> ngram_key_;
  int ngram_min_ = 0, ngram_max_ = 0;
  bool collapse_repeats_ = false;
  uint32_t sequence_len_ = 0;
};

}  // namespace malscope

namespace malscope {

/// Builds Sketches from traces handed over one at a time, from any number of workers at once;
/// the order traces arrive in does not change the result.
class SketchBuilder {
 public:
  /// `rows` traces will be added, whose API ids index `api_names`; up to `workers` threads add
  /// at the same time (each with its own worker number).
  SketchBuilder(std::vector<std::string> api_names, bool has_return_value, const FeatureConfig& cfg,
                size_t rows, int workers = 1);
  ~SketchBuilder();
  /// Sketches `trace` as row `row` (each row once), on worker `worker` in [0, workers).
  void add(uint32_t row, const FileTrace& trace, int worker = 0);
  /// The sketches of every row (the builder is spent).
  Sketches finish();

 private:
  struct Worker;
  void merge_dictionaries();
  Sketches out_;
  std::vector<Worker> workers_;
  std::vector<uint16_t> row_worker_;  // per row: whose local n-gram ids its entries hold
  int threads_;
};

}  // namespace malscope
