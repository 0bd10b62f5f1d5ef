#pragma once
// The feature pipeline: sketches of a store (read once) -> FeatureMatrix, with whatever depends
// on training data (API vocabulary, the class-0 API set, the n-gram vocabulary and IDF, column
// scales) learned by fit() on training rows only. Four families, each selectable:
//   1. api_stats  `api_count:`, `api_log:`, `api_first:`, `stat:`, `ret_zero_share:`,
//                 `ret_neg_share:`  per-API counts and first positions, call/thread/index/return
//                 statistics
//   2. api_set    `set:`     APIs that class-0 training files rarely call
//   3. ngrams     `ng:`      API n-grams within each thread (counts, or TF-IDF)
//   4. threads    `thread:`  thread structure (identical threads, prefixes, family shares)
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "features/feature_matrix.h"
#include "features/sketches.h"
#include "store/trace_store.h"
#include "util/collective.h"
#include "util/param_table.h"
#include "util/serial.h"

namespace malscope {

/// What the pipeline computes; every family is selectable. Defaults chosen by CV. Each member is
/// a features.* parameter (feature_params(), where the ranges and help live).
struct FeatureConfig {
  bool api_stats = true;  ///< family 1: per-API counts (raw, log), first positions, statistics
  bool api_set = true;    ///< family 2: APIs class-0 training files rarely call
  bool ngrams = true;     ///< family 3: API n-grams within each thread
  bool threads = true;    ///< family 4: thread structure and API-family shares
  int ngram_min = 1, ngram_max = 3;  ///< n-gram lengths
  bool collapse_repeats = false;     ///< collapse consecutive repeats of one API before n-grams
  uint32_t min_df = 3;               ///< n-gram must occur in >= min_df training files
  uint32_t max_ngrams = 5000;  ///< vocabulary cap (highest document frequency first, ties by name)
  bool sublinear_tf = true;    ///< TF-IDF tf = 1 + log(count)
  double rare_in_class0 = 0.01;  ///< family 2: API rare if in < this share of class-0 files
  /// Calls of each file kept in order for sequence models (textcnn), 0 = none: not a feature
  /// family, the values of ValueKind::kSequence matrices.
  uint32_t sequence_len = 0;
  /// N-gram columns the tree models' count matrices carry: the most frequent of the vocabulary
  /// (0 = all); the TF-IDF matrices keep the whole vocabulary.
  uint32_t tree_ngrams = 1000;
  /// Whether the tree models' count matrices carry `api_log:` too: a monotone copy of
  /// `api_count:`, which a tree splits the same way (pipelines before version 4 carried it).
  bool tree_api_log = false;

  bool operator==(const FeatureConfig&) const = default;
};

/// The features.* parameters, bound to FeatureConfig's members, in the order they are saved.
const ParamTable<FeatureConfig>& feature_params();

/// Checks a config (each member against its row, then the n-gram lengths and families together);
/// throws UsageError naming the bad parameter.
void validate(const FeatureConfig& cfg);

/// An n-gram that may enter the vocabulary, and the number of training rows it occurs in.
struct NgramDf {
  uint32_t id, df;
};

/// The n-grams of cfg's lengths in at least cfg.min_df of the rows `rows` of `s`, by ascending
/// id: what the vocabulary cap (cfg.max_ngrams) chooses from.
std::vector<NgramDf> ngram_candidates(const Sketches& s, std::span<const uint32_t> rows,
                                      const FeatureConfig& cfg);

/// Values of a matrix: counts for trees; TF-IDF (and scaled statistics) for linear models; the
/// call sequence for sequence models (row r: column j is the file's j-th token, see
/// FeaturePipeline::sequence_vocab; no column names).
enum class ValueKind { kCounts, kTfidf, kSequence };

/// Tokens of kSequence matrices below the API vocabulary's (API i is kFirstApiToken + i).
inline constexpr uint32_t kThreadBreakToken = 1;  ///< between two threads (0 is padding)
inline constexpr uint32_t kUnknownApiToken = 2;   ///< an API the training files never called
inline constexpr uint32_t kFirstApiToken = 3;

class FeaturePipeline {
 public:
  /// A pipeline with this config (validated: throws UsageError on a bad field).
  explicit FeaturePipeline(FeatureConfig cfg = {});
  /// The config.
  const FeatureConfig& config() const { return cfg_; }
  /// Threads used by transform (0 = all cores); results do not depend on it.
  void set_threads(int threads) { threads_ = threads; }

  /// Learns what depends on training data (n-gram vocabulary and IDF, the class-0 API set) from
  /// `rows` (indices into sketches, labels needed).
  void fit(const Sketches& s, std::span<const uint32_t> rows);
  /// fit() over the rows of every worker of `c`, each giving its own sketches and rows: counts
  /// (document frequencies, class-0 counts, column maxima) are summed through `c`, so every worker
  /// learns the same pipeline, the one fit() would learn on all rows together
  /// (features/pipeline_global.cc). Throws Error if the workers' sketches differ in kind.
  void fit_global(const Sketches& s, std::span<const uint32_t> rows, Collective& c);
  /// Builds the matrix for `rows` (all rows if empty) with named, stable columns (kSequence:
  /// the sketches' sequences in tokens; throws Error if they hold none and sequence_len > 0).
  FeatureMatrix transform(const Sketches& s, std::span<const uint32_t> rows, ValueKind kind) const;
  /// Whether fit() has run (or the pipeline was loaded).
  bool fitted() const { return fitted_; }
  /// Column names (after fit), the same for both value kinds.
  const std::vector<std::string>& column_names() const { return columns_; }
  /// Tokens a kSequence matrix can hold: [0, sequence_vocab()).
  uint32_t sequence_vocab() const { return kFirstApiToken + uint32_t(apis_.size()); }

  /// Writes the fitted pipeline ("MSFEAT\r\n", version, payload size and checksum, payload).
  void save(ByteWriter& w) const;
  /// Reads what save() wrote; throws Error naming the pipeline if it is foreign or corrupt.
  static FeaturePipeline load(ByteReader& r);

 private:
  friend struct PipelineCodec;
  struct RowBuilder;
  void check_sketches(const Sketches& s) const;
  void fit_apis(const Sketches& s, std::span<const uint32_t> rows);
  void fit_scalars(const Sketches& s);
  void fit_ngrams(const Sketches& s, std::span<const uint32_t> rows);
  void build_columns();
  void mark_tree_ngrams();
  void fit_scales(const Sketches& s, std::span<const uint32_t> rows, Collective* c = nullptr);

  FeatureConfig cfg_;
  int threads_ = 0;
  bool fitted_ = false;
  uint32_t train_rows_ = 0;
  std::vector<std::string> apis_;        ///< API vocabulary, sorted by name
  std::vector<uint8_t> rare_api_;        ///< per API: in family 2's set
  std::vector<std::string> scalars_;     ///< scalar statistics used, by name
  std::vector<uint64_t> ngram_hash_;     ///< n-gram vocabulary, in column order
  std::vector<std::string> ngram_text_;  ///< its text
  std::vector<float> ngram_idf_;         ///< its IDF
  std::vector<float> scale_;             ///< per column: kTfidf divisor (0: column unused)
  std::vector<std::string> columns_;     ///< every column name
  // Derived from the above by build_columns() (not saved).
  std::shared_ptr<const std::vector<std::string>> shared_columns_;  ///< columns_, for matrices
  bool apis_sorted_ = true, ngrams_sorted_ = true;  ///< whether lookups may binary-search
  std::vector<int32_t> set_column_;                 ///< per API: its `set:` column, or -1
  std::vector<uint32_t> scalar_column_;             ///< per scalar statistic: its column
  uint32_t ngram_base_ = 0;                         ///< column of the first n-gram
  std::vector<uint8_t> tree_ngram_;  ///< per n-gram: in the count matrices (tree_ngrams)
  int32_t set_count_column_ = -1;    ///< `set_count`, or -1
};

}  // namespace malscope
