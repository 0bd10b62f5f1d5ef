#include "features/pipeline.h"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "util/error.h"
#include "util/thread_pool.h"

namespace malscope {

const ParamTable<FeatureConfig>& feature_params() {
  using C = FeatureConfig;
  // Rows in member order: the pipeline blob saves the config in this order.
  static const ParamTable<C> table{
      {"features.api_stats", &C::api_stats,
       "Per-API counts (raw and log), calls, threads, return values, index stats, first positions"},
      {"features.api_set", &C::api_set, "Presence of APIs that class-0 training files rarely call"},
      {"features.ngrams", &C::ngrams, "API n-grams within each thread"},
      {"features.threads", &C::threads,
       "Thread structure: identical threads, prefix growth, API-family shares"},
      {"features.ngram_min", &C::ngram_min, 1, kMaxNgram, "Shortest n-gram"},
      {"features.ngram_max", &C::ngram_max, 1, kMaxNgram, "Longest n-gram"},
      {"features.collapse_repeats", &C::collapse_repeats,
       "Collapse consecutive repeats of one API before taking n-grams"},
      {"features.min_df", &C::min_df, 1, 1e9,
       "An n-gram must occur in at least this many training files"},
      {"features.max_ngrams", &C::max_ngrams, 1, 1e8,
       "N-gram vocabulary cap (highest document frequency first)"},
      {"features.sublinear_tf", &C::sublinear_tf, "TF-IDF term frequency 1 + log(count)"},
      {"features.rare_in_class0", &C::rare_in_class0, 0, 1,
       "An API is rare in class 0 if fewer than this share of class-0 training files call it"},
      {"features.sequence_len", &C::sequence_len, 0, 1e6,
       "Calls of each file kept, in order, for sequence models (textcnn): threads one after "
       "another with a break token between them, consecutive repeats of one API collapsed; 0 = "
       "none (set to 1000 when textcnn is trained and this is not given)"},
      {"features.tree_ngrams", &C::tree_ngrams, 0, 1e8,
       "N-gram columns XGBoost sees: the most frequent of the vocabulary (0 = all); the linear "
       "model's TF-IDF keeps every n-gram (fewer columns make XGBoost's histograms cheaper)"},
      {"features.tree_api_log", &C::tree_api_log,
       "XGBoost also sees log(1 + calls) per API, beside the calls it splits the same way (the "
       "linear model always does)"},
  };
  return table;
}

void validate(const FeatureConfig& c) {
  feature_params().check(c);
  auto bad = [](std::string what) { throw UsageError("feature config: " + what); };
  if (c.ngram_min > c.ngram_max)
    bad(fmt::format("n-gram lengths {}..{} must satisfy min <= max", c.ngram_min, c.ngram_max));
  if (!c.api_stats && !c.api_set && !c.ngrams && !c.threads) bad("every feature family is off");
}

FeaturePipeline::FeaturePipeline(FeatureConfig cfg) : cfg_(cfg) {
  validate(cfg_);
}

namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// Thread counts that family 1 already has as `stat:` columns.
bool duplicates_stat(std::string_view name) {
  return name == "thread:threads" || starts_with(name, "thread:thread_calls_");
}

}  // namespace

void FeaturePipeline::check_sketches(const Sketches& s) const {
  if (cfg_.ngrams &&
      (s.ngram_max() == 0 || s.ngram_min() > cfg_.ngram_min || s.ngram_max() < cfg_.ngram_max ||
       s.collapse_repeats() != cfg_.collapse_repeats))
    throw Error(fmt::format(
        "the sketches hold n-grams of length {}..{}{}, the pipeline needs {}..{}{}: extract "
        "them with the pipeline's config",
        s.ngram_min(), s.ngram_max(), s.collapse_repeats() ? " (repeats collapsed)" : "",
        cfg_.ngram_min, cfg_.ngram_max, cfg_.collapse_repeats ? " (repeats collapsed)" : ""));
}

void FeaturePipeline::build_columns() {
  columns_.clear();
  if (cfg_.api_stats)
    for (const char* prefix : {"api_count:", "api_log:", "api_first:"})
      for (const auto& a : apis_) columns_.push_back(prefix + a);
  scalar_column_.assign(scalars_.size(), 0);
  for (size_t i = 0; i < scalars_.size(); ++i)
    if (!starts_with(scalars_[i], "thread:"))
      scalar_column_[i] = static_cast<uint32_t>(columns_.size()), columns_.push_back(scalars_[i]);
  set_column_.assign(apis_.size(), -1);
  set_count_column_ = -1;
  if (cfg_.api_set) {
    for (size_t a = 0; a < apis_.size(); ++a)
      if (rare_api_[a])
        set_column_[a] = static_cast<int32_t>(columns_.size()),
        columns_.push_back("set:" + apis_[a]);
    set_count_column_ = static_cast<int32_t>(columns_.size());
    columns_.push_back("set_count");
  }
  ngram_base_ = static_cast<uint32_t>(columns_.size());
  for (const auto& t : ngram_text_) columns_.push_back("ng:" + t);
  mark_tree_ngrams();
  for (size_t i = 0; i < scalars_.size(); ++i)
    if (starts_with(scalars_[i], "thread:"))
      scalar_column_[i] = static_cast<uint32_t>(columns_.size()), columns_.push_back(scalars_[i]);
  shared_columns_ = std::make_shared<const std::vector<std::string>>(columns_);
  apis_sorted_ = std::is_sorted(apis_.begin(), apis_.end());
  ngrams_sorted_ = std::is_sorted(ngram_hash_.begin(), ngram_hash_.end());
}

// The tree_ngrams most frequent n-grams (lowest IDF; ties by text, as the vocabulary's cap).
void FeaturePipeline::mark_tree_ngrams() {
  const size_t n = ngram_text_.size(), keep = cfg_.tree_ngrams;
  tree_ngram_.assign(n, keep == 0 || keep >= n);
  if (keep == 0 || keep >= n) return;
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::nth_element(order.begin(), order.begin() + keep, order.end(), [&](uint32_t a, uint32_t b) {
    if (ngram_idf_[a] != ngram_idf_[b]) return ngram_idf_[a] < ngram_idf_[b];
    return ngram_text_[a] < ngram_text_[b];
  });
  for (size_t i = 0; i < keep; ++i) tree_ngram_[order[i]] = 1;
}

std::vector<NgramDf> ngram_candidates(const Sketches& s, std::span<const uint32_t> rows,
                                      const FeatureConfig& cfg) {
  std::vector<uint32_t> df(s.num_ngrams(), 0);
  for (uint32_t r : rows)
    for (const auto& g : s.ngrams(r)) df[g.id]++;
  std::vector<NgramDf> out;
  for (uint32_t id = 0; id < df.size(); ++id) {
    int n = s.ngram_length(id);
    if (df[id] >= cfg.min_df && n >= cfg.ngram_min && n <= cfg.ngram_max)
      out.push_back({id, df[id]});
  }
  return out;
}

namespace {

// The n-gram vocabulary: df >= min_df, the max_ngrams most frequent, ties broken by text.
struct VocabEntry {
  uint32_t id, df;
  std::string text;
};

std::vector<VocabEntry> select_ngrams(const Sketches& s, std::span<const uint32_t> rows,
                                      const FeatureConfig& cfg) {
  std::vector<VocabEntry> cand;
  for (const NgramDf& g : ngram_candidates(s, rows, cfg)) cand.push_back({g.id, g.df, {}});
  // Only entries that can make the cut need their text: find the df at the cap first.
  uint32_t cut = 0;
  if (cand.size() > cfg.max_ngrams) {
    std::nth_element(cand.begin(), cand.begin() + (cfg.max_ngrams - 1), cand.end(),
                     [](const auto& a, const auto& b) { return a.df > b.df; });
    cut = cand[cfg.max_ngrams - 1].df;
    std::erase_if(cand, [&](const auto& e) { return e.df < cut; });
  }
  for (auto& e : cand) e.text = s.ngram_text(e.id);
  std::sort(cand.begin(), cand.end(), [](const auto& a, const auto& b) {
    return a.df != b.df ? a.df > b.df : a.text < b.text;
  });
  if (cand.size() > cfg.max_ngrams) cand.resize(cfg.max_ngrams);
  return cand;
}

}  // namespace

void FeaturePipeline::fit(const Sketches& s, std::span<const uint32_t> rows) {
  check_sketches(s);
  if (rows.empty()) throw Error("feature pipeline: fit needs at least one training row");
  for (uint32_t r : rows) {
    if (r >= s.size())
      throw Error(fmt::format("feature pipeline: row {} out of range ({} rows)", r, s.size()));
    if (s.label(r) < 0)
      throw Error(fmt::format("feature pipeline: training file '{}' has no label", s.file_id(r)));
  }
  train_rows_ = static_cast<uint32_t>(rows.size());
  fit_apis(s, rows);
  fit_scalars(s);
  fit_ngrams(s, rows);
  build_columns();
  fitted_ = true;
  fit_scales(s, rows);
}

// The scalar statistics the families in use keep.
void FeaturePipeline::fit_scalars(const Sketches& s) {
  scalars_.clear();
  for (const auto& n : s.scalar_names()) {
    bool thread = starts_with(n, "thread:");
    if ((thread && cfg_.threads && !(cfg_.api_stats && duplicates_stat(n))) ||
        (!thread && cfg_.api_stats))
      scalars_.push_back(n);
  }
}

// The API vocabulary (names seen in training rows, sorted) and family 2's rare-in-class-0 flags.
void FeaturePipeline::fit_apis(const Sketches& s, std::span<const uint32_t> rows) {
  std::vector<uint32_t> seen(s.api_names().size(), 0), seen0(seen.size(), 0);
  uint32_t class0 = 0;
  for (uint32_t r : rows) {
    class0 += s.label(r) == 0;
    for (const auto& a : s.apis(r)) seen[a.api]++, seen0[a.api] += s.label(r) == 0;
  }
  std::vector<uint32_t> order;
  for (uint32_t a = 0; a < seen.size(); ++a)
    if (seen[a]) order.push_back(a);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return s.api_names()[a] < s.api_names()[b]; });
  apis_.clear();
  rare_api_.clear();
  for (uint32_t a : order) {
    apis_.push_back(s.api_names()[a]);
    // Without class-0 training rows nothing is "rare in class 0".
    rare_api_.push_back(class0 > 0 && seen0[a] < cfg_.rare_in_class0 * class0);
  }
}

void FeaturePipeline::fit_ngrams(const Sketches& s, std::span<const uint32_t> rows) {
  ngram_hash_.clear();
  ngram_text_.clear();
  ngram_idf_.clear();
  if (!cfg_.ngrams) return;
  auto vocab = select_ngrams(s, rows, cfg_);
  // Columns in hash order, the order of every sketch's n-gram ids: rows need no sorting.
  std::sort(vocab.begin(), vocab.end(), [&](const auto& a, const auto& b) { return a.id < b.id; });
  for (auto& e : vocab) {
    ngram_hash_.push_back(s.ngram_hash(e.id));
    ngram_idf_.push_back(static_cast<float>(std::log((1.0 + train_rows_) / (1.0 + e.df)) + 1.0));
    ngram_text_.push_back(std::move(e.text));
  }
}

}  // namespace malscope
