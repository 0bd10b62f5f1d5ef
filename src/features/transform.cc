// FeaturePipeline::transform: sketches -> FeatureMatrix rows, built in parallel blocks and joined
// in row order (so the bytes do not depend on the thread count).
#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "features/pipeline.h"
#include "util/error.h"
#include "util/thread_pool.h"

namespace malscope {

namespace {
struct Entry {
  uint32_t col;
  float value;
};
constexpr size_t kBlockRows = 256;

// Index of `key` in `v`, or -1: a binary search when `v` is sorted, else a scan (bundles written
// before the vocabularies were kept sorted).
template <class T, class K>
int32_t find_sorted(const std::vector<T>& v, bool sorted, const K& key) {
  auto it = sorted ? std::lower_bound(v.begin(), v.end(), key) : std::find(v.begin(), v.end(), key);
  return it != v.end() && *it == key ? int32_t(it - v.begin()) : -1;
}
}  // namespace

// Maps one Sketches' ids (its API dictionary, n-gram dictionary, scalar names) onto the fitted
// columns and builds rows.
struct FeaturePipeline::RowBuilder {
  RowBuilder(const FeaturePipeline& p, const Sketches& s);
  /// `trees`: the tree view, only its n-grams (features.tree_ngrams) and `api_log:` only with
  /// features.tree_api_log.
  void counts(uint32_t r, std::vector<Entry>& out, bool trees) const;
  void tfidf(uint32_t r, std::vector<Entry>& out) const;
  void sequence(uint32_t r, std::vector<Entry>& out) const;

  const FeaturePipeline& p;
  const Sketches& s;
  std::vector<int32_t> api_col;    // sketch API id -> API vocabulary index, or -1
  std::vector<int32_t> ngram_col;  // sketch n-gram id -> n-gram vocabulary index, or -1
  // (index in the sketch's scalars, column) of the fitted statistics, in column order.
  std::vector<std::pair<uint32_t, uint32_t>> stat_scalars, thread_scalars;
};

FeaturePipeline::RowBuilder::RowBuilder(const FeaturePipeline& p_, const Sketches& s_)
    : p(p_), s(s_) {
  // The vocabularies are sorted (build_columns() checked): a lookup per sketch id, so that one
  // trace costs its own ids, not the vocabulary's size.
  api_col.assign(s.api_names().size(), -1);
  for (size_t a = 0; a < s.api_names().size(); ++a)
    api_col[a] = find_sorted(p.apis_, p.apis_sorted_, std::string_view(s.api_names()[a]));
  ngram_col.assign(p.ngram_hash_.empty() ? 0 : s.num_ngrams(), -1);
  for (uint32_t id = 0; id < ngram_col.size(); ++id)
    ngram_col[id] = find_sorted(p.ngram_hash_, p.ngrams_sorted_, s.ngram_hash(id));

  std::unordered_map<std::string_view, int32_t> scalar_index;
  for (size_t i = 0; i < s.scalar_names().size(); ++i)
    scalar_index.emplace(s.scalar_names()[i], int32_t(i));
  for (size_t i = 0; i < p.scalars_.size(); ++i) {
    auto it = scalar_index.find(p.scalars_[i]);
    if (it == scalar_index.end()) continue;  // e.g. return values absent from this log
    bool thread = p.scalars_[i].rfind("thread:", 0) == 0;
    (thread ? thread_scalars : stat_scalars).emplace_back(it->second, p.scalar_column_[i]);
  }
  std::sort(stat_scalars.begin(), stat_scalars.end(),
            [](auto& a, auto& b) { return a.second < b.second; });
  std::sort(thread_scalars.begin(), thread_scalars.end(),
            [](auto& a, auto& b) { return a.second < b.second; });
}

// Emits the row's entries in ascending column order, block by block: only the few dozen APIs need
// sorting, n-gram ids and columns are both in hash order.
void FeaturePipeline::RowBuilder::counts(uint32_t r, std::vector<Entry>& out, bool trees) const {
  out.clear();
  thread_local std::vector<std::pair<uint32_t, const ApiCount*>>
      apis;  // (vocabulary index, counts)
  apis.clear();
  for (const ApiCount& a : s.apis(r))
    if (int32_t c = api_col[a.api]; c >= 0)
      apis.emplace_back(c, &a);  // else never seen in training
  std::sort(apis.begin(), apis.end());
  const uint32_t na = static_cast<uint32_t>(p.apis_.size());
  if (p.cfg_.api_stats) {
    for (auto [c, a] : apis) out.push_back({c, float(a->count)});
    // A tree splits log(1 + calls) where it splits calls: the tree view leaves the copy out.
    if (!trees || p.cfg_.tree_api_log)
      for (auto [c, a] : apis) out.push_back({na + c, float(std::log1p(double(a->count)))});
    for (auto [c, a] : apis) out.push_back({2 * na + c, float(a->first) + 1});  // 0 reads absent
  }
  auto sc = s.scalars(r);
  for (auto [src, col] : stat_scalars)
    if (sc[src] != 0) out.push_back({col, sc[src]});
  uint32_t rare = 0;
  for (auto [c, a] : apis)
    if (p.set_column_[c] >= 0) out.push_back({uint32_t(p.set_column_[c]), 1.f}), ++rare;
  if (p.set_count_column_ >= 0 && rare) out.push_back({uint32_t(p.set_count_column_), float(rare)});
  if (!ngram_col.empty())
    for (const NgramCount& g : s.ngrams(r))
      if (int32_t c = ngram_col[g.id]; c >= 0 && (!trees || p.tree_ngram_[c]))
        out.push_back({p.ngram_base_ + c, float(g.count)});
  for (auto [src, col] : thread_scalars)
    if (sc[src] != 0) out.push_back({col, sc[src]});
}

void FeaturePipeline::RowBuilder::tfidf(uint32_t r, std::vector<Entry>& out) const {
  counts(r, out, false);
  const uint32_t ng_end = p.ngram_base_ + static_cast<uint32_t>(p.ngram_hash_.size());
  double norm = 0;
  size_t kept = 0;
  for (const Entry& e : out) {
    float v;
    if (e.col >= p.ngram_base_ && e.col < ng_end) {
      double tf = p.cfg_.sublinear_tf ? 1 + std::log(double(e.value)) : e.value;
      v = static_cast<float>(tf * p.ngram_idf_[e.col - p.ngram_base_]);
      norm += double(v) * v;
    } else {
      // Statistics on a log scale, divided by the training maximum: comparable to TF-IDF.
      float sc = p.scale_[e.col];
      if (sc <= 0) continue;
      v = static_cast<float>(std::log1p(double(e.value)) / sc);
    }
    out[kept++] = {e.col, v};
  }
  out.resize(kept);
  if (norm > 0) {
    float inv = static_cast<float>(1 / std::sqrt(norm));
    for (Entry& e : out)
      if (e.col >= p.ngram_base_ && e.col < ng_end) e.value *= inv;
  }
}

// Column j is the j-th token: an API's own, or the break between threads, or unknown.
void FeaturePipeline::RowBuilder::sequence(uint32_t r, std::vector<Entry>& out) const {
  out.clear();
  std::span<const uint32_t> seq = s.sequence(r);
  seq = seq.first(std::min<size_t>(seq.size(), p.cfg_.sequence_len));
  for (uint32_t j = 0; j < seq.size(); ++j) {
    uint32_t token = kThreadBreakToken;
    if (seq[j] != kSequenceBreak) {
      const int32_t c = seq[j] < api_col.size() ? api_col[seq[j]] : -1;
      token = c >= 0 ? kFirstApiToken + uint32_t(c) : kUnknownApiToken;
    }
    out.push_back({j, float(token)});  // exact: tokens stay far below 2^24
  }
}

void FeaturePipeline::fit_scales(const Sketches& s, std::span<const uint32_t> rows, Collective* c) {
  RowBuilder rb(*this, s);
  const int threads = default_threads(threads_);
  std::vector<std::vector<float>> max(threads, std::vector<float>(columns_.size(), 0.f));
  const size_t blocks = (rows.size() + kBlockRows - 1) / kBlockRows;
  parallel_for(blocks, threads, [&](size_t b, int w) {
    std::vector<Entry> row;
    for (size_t i = b * kBlockRows; i < std::min(rows.size(), (b + 1) * kBlockRows); ++i) {
      rb.counts(rows[i], row, false);
      for (const Entry& e : row) max[w][e.col] = std::max(max[w][e.col], e.value);
    }
  });
  std::vector<float> m(columns_.size(), 0.f);
  for (size_t j = 0; j < columns_.size(); ++j)
    for (const auto& v : max) m[j] = std::max(m[j], v[j]);
  if (c) c->max(m);  // the maxima over every worker's rows
  scale_.assign(columns_.size(), 0.f);
  for (size_t j = 0; j < columns_.size(); ++j)
    scale_[j] = static_cast<float>(std::log1p(double(m[j])));
}

FeatureMatrix FeaturePipeline::transform(const Sketches& s, std::span<const uint32_t> rows,
                                         ValueKind kind) const {
  if (!fitted_) throw Error("feature pipeline: transform before fit");
  check_sketches(s);
  if (kind == ValueKind::kSequence &&
      (cfg_.sequence_len == 0 || s.sequence_len() < cfg_.sequence_len))
    throw Error(cfg_.sequence_len == 0
                    ? std::string("feature pipeline: no call sequences kept (features.sequence_len "
                                  "is 0), a sequence model cannot be fed")
                    : fmt::format("the sketches keep {} calls per file, the pipeline needs {}: "
                                  "extract them with the pipeline's config",
                                  s.sequence_len(), cfg_.sequence_len));
  std::vector<uint32_t> all;
  if (rows.empty()) {
    all.resize(s.size());
    std::iota(all.begin(), all.end(), 0u);
    rows = all;
  }
  for (uint32_t r : rows)
    if (r >= s.size())
      throw Error(fmt::format("feature pipeline: row {} out of range ({} rows)", r, s.size()));
  RowBuilder rb(*this, s);
  struct Block {
    std::vector<uint64_t> lengths;
    std::vector<Entry> entries;
  };
  const size_t nblocks = (rows.size() + kBlockRows - 1) / kBlockRows;
  std::vector<Block> blocks(nblocks);
  parallel_for(nblocks, threads_, [&](size_t b, int) {
    std::vector<Entry> row;
    for (size_t i = b * kBlockRows; i < std::min(rows.size(), (b + 1) * kBlockRows); ++i) {
      if (kind == ValueKind::kCounts)
        rb.counts(rows[i], row, true);
      else if (kind == ValueKind::kTfidf)
        rb.tfidf(rows[i], row);
      else
        rb.sequence(rows[i], row);
      blocks[b].lengths.push_back(row.size());
      blocks[b].entries.insert(blocks[b].entries.end(), row.begin(), row.end());
    }
  });
  FeatureMatrix m;
  if (kind != ValueKind::kSequence) m.names = shared_columns_;
  size_t nnz = 0;
  for (const auto& b : blocks) nnz += b.entries.size();
  m.indices.reserve(nnz);
  m.values.reserve(nnz);
  m.indptr.reserve(rows.size() + 1);
  for (auto& b : blocks) {
    for (uint64_t len : b.lengths) m.indptr.push_back(m.indptr.back() + len);
    for (const Entry& e : b.entries) m.indices.push_back(e.col), m.values.push_back(e.value);
    Block().lengths.swap(b.lengths);
    std::vector<Entry>().swap(b.entries);
  }
  m.files.assign(rows.begin(), rows.end());
  for (uint32_t r : rows) m.labels.push_back(s.label(r));
  if (s.weighted())
    for (uint32_t r : rows) m.weights.push_back(s.weight(r));
  for (uint32_t r : rows) m.keys.push_back(s.key(r));
  return m;
}

}  // namespace malscope
