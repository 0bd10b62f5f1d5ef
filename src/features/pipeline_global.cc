// FeaturePipeline::fit_global: fit() over the rows of every worker of a distributed job. Each
// worker sends its counts (API document counts, n-gram document frequencies by name hash, column
// maxima) and every worker merges them the same way, so all learn the pipeline fit() learns on
// the union of the rows: the same columns, IDF and scales.
#include <fmt/format.h>
#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

#include "features/pipeline.h"
#include "util/error.h"
#include "util/hash.h"

namespace malscope {

namespace {

std::string pack_names(const std::vector<std::string>& names) {
  ByteWriter w;
  w.put(names);
  return std::move(w.str());
}

std::vector<std::string> unpack_names(const std::string& bytes) {
  ByteReader r(bytes, "a worker's names");
  std::vector<std::string> v;
  r.get(v);
  return v;
}

// One n-gram over all workers: document frequency and the first worker that has it (whose
// sketches give its text).
struct GlobalNgram {
  int64_t df = 0;
  int owner = -1;
};

}  // namespace

void FeaturePipeline::fit_global(const Sketches& s, std::span<const uint32_t> rows, Collective& c) {
  check_sketches(s);
  for (uint32_t r : rows) {
    if (r >= s.size())
      throw Error(fmt::format("feature pipeline: row {} out of range ({} rows)", r, s.size()));
    if (s.label(r) < 0)
      throw Error(fmt::format("feature pipeline: training file '{}' has no label", s.file_id(r)));
  }
  const int64_t total = c.sum(int64_t(rows.size()));
  if (total == 0) throw Error("feature pipeline: fit needs at least one training row");
  train_rows_ = static_cast<uint32_t>(total);

  // Statistics: the same list on every worker, or the shards come from inputs of other kinds.
  {
    auto all = c.all_gather(pack_names(s.scalar_names()));
    for (int w = 1; w < c.world(); ++w)
      if (all[w] != all[0])
        throw Error(fmt::format(
            "worker {}'s store has other per-file statistics than worker 0's ({} against {}: "
            "e.g. return values in one and not the other); shards must come from one store",
            w, unpack_names(all[w]).size(), unpack_names(all[0]).size()));
  }
  fit_scalars(s);

  // APIs: the union of the names each worker saw, then per API the files and class-0 files.
  std::vector<int64_t> seen(s.api_names().size(), 0), seen0(seen.size(), 0);
  int64_t class0 = 0;
  for (uint32_t r : rows) {
    class0 += s.label(r) == 0;
    for (const auto& a : s.apis(r)) seen[a.api]++, seen0[a.api] += s.label(r) == 0;
  }
  std::vector<std::string> mine;
  for (size_t a = 0; a < seen.size(); ++a)
    if (seen[a]) mine.push_back(s.api_names()[a]);
  std::vector<std::string> names;
  for (const std::string& bytes : c.all_gather(pack_names(mine)))
    for (std::string& n : unpack_names(bytes)) names.push_back(std::move(n));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < names.size(); ++i) index.emplace(names[i], i);
  std::vector<int64_t> counts(2 * names.size() + 1, 0);  // seen, seen in class 0, class-0 files
  for (size_t a = 0; a < seen.size(); ++a)
    if (seen[a]) {
      size_t i = index.at(s.api_names()[a]);
      counts[i] = seen[a];
      counts[names.size() + i] = seen0[a];
    }
  counts.back() = class0;
  c.sum(counts);
  class0 = counts.back();
  apis_ = names;
  rare_api_.clear();
  for (size_t i = 0; i < names.size(); ++i)
    rare_api_.push_back(class0 > 0 &&
                        double(counts[names.size() + i]) < cfg_.rare_in_class0 * double(class0));

  ngram_hash_.clear();
  ngram_text_.clear();
  ngram_idf_.clear();
  if (cfg_.ngrams) {
    // Document frequencies by name hash: each worker sends (hash, df) of the n-grams its rows
    // hold; the cap then applies to the global counts.
    std::vector<uint32_t> df(s.num_ngrams(), 0);
    for (uint32_t r : rows)
      for (const auto& g : s.ngrams(r)) df[g.id]++;
    std::vector<uint64_t> hashes;
    std::vector<uint32_t> dfs;
    std::unordered_map<uint64_t, uint32_t> local_id;
    for (uint32_t id = 0; id < df.size(); ++id) {
      int n = s.ngram_length(id);
      if (df[id] && n >= cfg_.ngram_min && n <= cfg_.ngram_max) {
        hashes.push_back(s.ngram_hash(id));
        dfs.push_back(df[id]);
        local_id.emplace(s.ngram_hash(id), id);
      }
    }
    ByteWriter w;
    w.put(hashes);
    w.put(dfs);
    std::unordered_map<uint64_t, GlobalNgram> global;
    auto all = c.all_gather(w.str());
    for (int wk = 0; wk < c.world(); ++wk) {
      ByteReader r(all[wk], fmt::format("worker {}'s n-gram counts", wk));
      std::vector<uint64_t> h;
      std::vector<uint32_t> d;
      r.get(h);
      r.get(d);
      if (h.size() != d.size()) r.fail("hashes and counts differ in number");
      for (size_t i = 0; i < h.size(); ++i) {
        GlobalNgram& g = global[h[i]];
        g.df += d[i];
        if (g.owner < 0) g.owner = wk;
      }
    }
    struct Cand {
      uint64_t hash;
      int64_t df;
      int owner;
      std::string text;
    };
    std::vector<Cand> cand;
    for (const auto& [h, g] : global)
      if (g.df >= int64_t(cfg_.min_df)) cand.push_back({h, g.df, g.owner, {}});
    std::sort(cand.begin(), cand.end(),
              [](const Cand& a, const Cand& b) { return a.hash < b.hash; });
    if (cand.size() > cfg_.max_ngrams) {
      std::vector<int64_t> d;
      for (const Cand& e : cand) d.push_back(e.df);
      std::nth_element(d.begin(), d.begin() + (cfg_.max_ngrams - 1), d.end(), std::greater<>());
      const int64_t cut = d[cfg_.max_ngrams - 1];
      std::erase_if(cand, [&](const Cand& e) { return e.df < cut; });
    }
    // Texts of the candidates, each from the first worker holding it, for ties and names.
    std::vector<std::string> texts;
    for (const Cand& e : cand)
      if (e.owner == c.rank()) texts.push_back(s.ngram_text(local_id.at(e.hash)));
    auto all_texts = c.all_gather(pack_names(texts));
    std::vector<std::vector<std::string>> by_worker(c.world());
    std::vector<size_t> next(c.world(), 0);
    for (int wk = 0; wk < c.world(); ++wk) by_worker[wk] = unpack_names(all_texts[wk]);
    for (Cand& e : cand) {
      if (next[e.owner] >= by_worker[e.owner].size())
        throw Error(fmt::format("worker {} sent too few n-gram texts", e.owner));
      e.text = std::move(by_worker[e.owner][next[e.owner]++]);
    }
    std::sort(cand.begin(), cand.end(), [](const Cand& a, const Cand& b) {
      return a.df != b.df ? a.df > b.df : a.text < b.text;
    });
    if (cand.size() > cfg_.max_ngrams) cand.resize(cfg_.max_ngrams);
    // Columns in hash order, as fit() has them.
    std::sort(cand.begin(), cand.end(),
              [](const Cand& a, const Cand& b) { return a.hash < b.hash; });
    for (Cand& e : cand) {
      ngram_hash_.push_back(e.hash);
      ngram_idf_.push_back(
          static_cast<float>(std::log((1.0 + train_rows_) / (1.0 + double(e.df))) + 1.0));
      ngram_text_.push_back(std::move(e.text));
    }
  }
  build_columns();
  fitted_ = true;
  fit_scales(s, rows, &c);

  // Every worker must now hold the same pipeline; a difference here is a bug, caught early.
  uint64_t h = hash_bytes("pipeline");
  for (const auto& name : columns_) h = hash_bytes(name, h);
  for (float f : scale_) h = mix64(h ^ std::bit_cast<uint32_t>(f));
  for (float f : ngram_idf_) h = mix64(h ^ std::bit_cast<uint32_t>(f));
  std::string mine_h(reinterpret_cast<const char*>(&h), sizeof h);
  auto hs = c.all_gather(mine_h);
  for (int wk = 1; wk < c.world(); ++wk)
    if (hs[wk] != hs[0])
      throw Error(fmt::format("worker {} fitted another feature pipeline than worker 0", wk));
}

}  // namespace malscope
