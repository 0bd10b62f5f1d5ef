#include "features/sketches.h"

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>

#include "features/pipeline.h"
#include "util/error.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace malscope {

std::string Sketches::ngram_text(uint32_t id) const {
  const NgramKey& k = ngram_key_[id];
  std::string s;
  for (int i = 0; i < k.n; ++i) {
    if (i) s += '>';
    s += api_names_[k.api[i]];
  }
  return s;
}

size_t Sketches::memory_bytes() const {
  size_t b = scalars_.capacity() * sizeof(float) + ngram_hash_.capacity() * sizeof(uint64_t) +
             ngram_key_.capacity() * sizeof(NgramKey) + keys_.capacity() * sizeof(uint64_t);
  for (const auto& v : apis_) b += v.capacity() * sizeof(ApiCount) + sizeof(v);
  for (const auto& v : ngrams_) b += v.capacity() * sizeof(NgramCount) + sizeof(v);
  for (const auto& s : file_ids_) b += s.capacity() + sizeof(s);
  for (const auto& v : sequences_) b += v.capacity() * sizeof(uint32_t) + sizeof(v);
  return b;
}

void Sketches::set_weights(std::vector<float> w) {
  if (!w.empty() && w.size() != size())
    throw Error(fmt::format("{} row weights for {} sketches", w.size(), size()));
  for (size_t r = 0; r < w.size(); ++r)
    if (!(std::isfinite(w[r]) && w[r] > 0))
      throw Error(fmt::format("row {} has weight {}; expected a finite weight above 0", r, w[r]));
  weights_ = std::move(w);
}

// Each worker sketches its traces with its own TraceSketcher and numbers the n-grams it meets
// (row entries hold these local ids, in hash order); finish() merges the per-worker dictionaries
// into one sorted by hash and renumbers the entries in place. Global ids grow with the hash, so
// each row's entries stay sorted.
struct SketchBuilder::Worker {
  Worker(std::span<const std::string> apis, bool has_ret, const FeatureConfig& cfg)
      : sketcher(apis, has_ret, cfg) {}
  TraceSketcher sketcher;
  TraceSketch sketch;
  HashIndex seen;              // n-grams this worker has met ...
  std::vector<NgramKey> keys;  // ... and their API ids, by number
};

SketchBuilder::SketchBuilder(std::vector<std::string> api_names, bool has_return_value,
                             const FeatureConfig& cfg, size_t rows, int workers)
    : threads_(std::clamp(workers, 1, 1024)) {
  out_.api_names_ = std::move(api_names);
  workers_.reserve(threads_);
  for (int k = 0; k < threads_; ++k) workers_.emplace_back(out_.api_names_, has_return_value, cfg);
  out_.scalar_names_ = workers_[0].sketcher.scalar_names();
  out_.labels_.assign(rows, -1);
  out_.keys_.assign(rows, 0);
  out_.file_ids_.resize(rows);
  out_.scalars_.assign(rows * out_.scalar_names_.size(), 0.f);
  out_.apis_.resize(rows);
  out_.ngrams_.resize(rows);
  row_worker_.resize(rows);
  out_.sequence_len_ = cfg.sequence_len;
  if (cfg.sequence_len > 0) out_.sequences_.resize(rows);
  if (cfg.ngrams) {
    out_.ngram_min_ = cfg.ngram_min;
    out_.ngram_max_ = cfg.ngram_max;
    out_.collapse_repeats_ = cfg.collapse_repeats;
  }
}

SketchBuilder::~SketchBuilder() = default;

void SketchBuilder::add(uint32_t row, const FileTrace& t, int wk) {
  Worker& w = workers_.at(wk);
  TraceSketch& sk = w.sketch;
  w.sketcher.sketch(t, sk);
  out_.labels_[row] = t.label;
  out_.keys_[row] = sk.key;
  out_.file_ids_[row] = std::string(t.id);
  out_.apis_[row].assign(sk.apis.begin(), sk.apis.end());
  std::copy(sk.scalars.begin(), sk.scalars.end(),
            out_.scalars_.begin() + size_t(row) * sk.scalars.size());
  auto& counts = out_.ngrams_[row];
  counts.clear();
  counts.reserve(sk.ngrams.size());
  row_worker_[row] = static_cast<uint16_t>(wk);
  if (!out_.sequences_.empty()) out_.sequences_[row].assign(sk.sequence.begin(), sk.sequence.end());
  for (size_t i = 0; i < sk.ngrams.size(); ++i) {
    auto [local, fresh] = w.seen.insert(sk.ngrams[i].hash);
    counts.push_back({local, sk.ngrams[i].count});
    if (fresh) w.keys.push_back(sk.ngram_key(i));
  }
}

void SketchBuilder::merge_dictionaries() {
  struct Item {
    uint64_t hash;
    NgramKey key;
    uint16_t worker;
    uint32_t local;
  };
  std::vector<Item> all;
  for (size_t k = 0; k < workers_.size(); ++k) {
    Worker& w = workers_[k];
    for (uint32_t i = 0; i < w.keys.size(); ++i)
      all.push_back({w.seen.hashes()[i], w.keys[i], uint16_t(k), i});
  }
  auto key_less = [](const NgramKey& a, const NgramKey& b) {
    return std::lexicographical_compare(a.api, a.api + a.n, b.api, b.api + b.n);
  };
  // By hash; a (vanishingly rare) collision keeps the smallest key whatever the scheduling.
  std::sort(all.begin(), all.end(), [&](const Item& a, const Item& b) {
    return a.hash != b.hash ? a.hash < b.hash : key_less(a.key, b.key);
  });
  std::vector<std::vector<uint32_t>> global(workers_.size());
  for (size_t k = 0; k < workers_.size(); ++k) {
    global[k].resize(workers_[k].keys.size());
    workers_[k].seen.release();
    std::vector<NgramKey>().swap(workers_[k].keys);
  }
  for (size_t i = 0; i < all.size(); ++i) {
    if (i == 0 || all[i].hash != all[i - 1].hash) {
      out_.ngram_hash_.push_back(all[i].hash);
      out_.ngram_key_.push_back(all[i].key);
    }
    global[all[i].worker][all[i].local] = static_cast<uint32_t>(out_.ngram_hash_.size() - 1);
  }
  std::vector<Item>().swap(all);
  parallel_for(out_.size(), threads_, [&](size_t f, int) {
    const auto& map = global[row_worker_[f]];
    for (NgramCount& g : out_.ngrams_[f]) g.id = map[g.id];
  });
}

Sketches SketchBuilder::finish() {
  merge_dictionaries();
  workers_.clear();
  return std::move(out_);
}

Sketches Sketches::extract(const TraceStore& store, const FeatureConfig& cfg, int threads,
                           const ProgressFn& progress_fn) {
  validate(cfg);
  const int workers = std::min(default_threads(threads), 1024);
  SketchBuilder builder(store.apis(), store.has_return_value(), cfg, store.num_files(), workers);
  unsigned cols =
      kColApi | kColTid | kColIndex | (store.has_return_value() ? unsigned(kColRet) : 0u);
  // Progress in bytes of store read, so the rate compares with ingest's.
  const double bytes_per_row =
      store.num_rows() ? double(std::filesystem::file_size(store.path())) / store.num_rows() : 0;
  Progress progress(progress_fn, "features",
                    static_cast<uint64_t>(bytes_per_row * store.num_rows()));
  std::atomic<uint64_t> rows_done{0}, files_done{0};
  store.for_each_file(cols, workers, [&](const FileTrace& t, int wk) {
    builder.add(t.file, t, wk);
    uint64_t rows = rows_done += t.n_rows;
    ++files_done;
    if (wk == 0) progress.update(static_cast<uint64_t>(rows * bytes_per_row), files_done);
  });
  progress.finish();
  return builder.finish();
}

}  // namespace malscope
