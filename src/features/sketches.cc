#include "features/sketches.h"

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <filesystem>

#include "features/file_stats.h"
#include "features/ngram_counter.h"
#include "features/pipeline.h"
#include "util/error.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace malscope {

uint64_t api_name_hash(std::string_view name) {
  return hash_bytes(name, 0x6a09e667f3bcc909ULL);
}

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
             ngram_key_.capacity() * sizeof(NgramKey);
  for (const auto& v : apis_) b += v.capacity() * sizeof(ApiCount) + sizeof(v);
  for (const auto& v : ngrams_) b += v.capacity() * sizeof(NgramCount) + sizeof(v);
  for (const auto& s : file_ids_) b += s.capacity() + sizeof(s);
  return b;
}

// Reads a store once into Sketches: one pass over the files on all workers, each numbering the
// n-grams it meets (file entries hold these local ids, in hash order); then the per-worker
// dictionaries are merged into one sorted by hash and the file entries renumbered in place. Global
// ids grow with the hash, so each file's entries stay sorted.
class SketchBuilder {
 public:
  SketchBuilder(const TraceStore& store, const FeatureConfig& cfg, int threads)
      : store_(store), cfg_(cfg), threads_(std::min(default_threads(threads), 1024)) {}
  Sketches run();

 private:
  struct Worker {
    NgramCounter counter;
    std::vector<uint32_t> count, first;  // by API id
    std::vector<uint16_t> touched;       // API ids counted in the current file
    std::vector<uint16_t> seq;           // the file's threads (collapsed), one after another
    uint16_t number = 0;
    HashIndex seen;              // n-grams this worker has met ...
    std::vector<NgramKey> keys;  // ... and their API ids, by number
  };
  void sketch_file(const FileTrace& t, Worker& w);
  void count_apis(const FileTrace& t, Worker& w);
  void count_ngrams(const FileTrace& t, Worker& w);
  void merge_dictionaries(std::vector<Worker>& workers);

  const TraceStore& store_;
  const FeatureConfig& cfg_;
  int threads_;
  FamilyMap families_;
  std::vector<uint64_t> name_hash_;
  Sketches out_;
  size_t n_stats_ = 0, n_scalars_ = 0;
  std::vector<uint16_t> file_worker_;  // per file: whose local n-gram ids its entries hold
  std::atomic<uint64_t> rows_done_{0}, files_done_{0};
};

void SketchBuilder::count_apis(const FileTrace& t, Worker& w) {
  for (uint32_t i = 0; i < t.n_rows; ++i) {
    uint16_t a = t.api[i];
    uint32_t pos = t.index.empty() ? i : t.index[i];
    if (w.count[a]++ == 0) {
      w.touched.push_back(a);
      w.first[a] = pos;
    } else {
      w.first[a] = std::min(w.first[a], pos);
    }
  }
  std::sort(w.touched.begin(), w.touched.end());
  auto& out = out_.apis_[t.file];
  out.reserve(w.touched.size());
  for (uint16_t a : w.touched) {
    out.push_back({a, w.count[a], w.first[a]});
    w.count[a] = 0;
  }
  w.touched.clear();
}

void SketchBuilder::count_ngrams(const FileTrace& t, Worker& w) {
  const int lo = cfg_.ngram_min, hi = cfg_.ngram_max;
  if (t.n_rows >= (1u << 29))  // positions are packed with the length into 32 bits
    throw Error(fmt::format("file '{}' has {} calls, more than n-gram counting supports (2^29)",
                            t.id, t.n_rows));
  std::vector<uint32_t> bounds = thread_bounds(t.tid);
  w.seq.clear();
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    const uint32_t begin = static_cast<uint32_t>(w.seq.size());
    for (uint32_t i = bounds[k]; i < bounds[k + 1]; ++i)
      if (!cfg_.collapse_repeats || i == bounds[k] || t.api[i] != t.api[i - 1])
        w.seq.push_back(t.api[i]);
    const uint32_t end = static_cast<uint32_t>(w.seq.size());
    // Every n-gram lies inside [begin, end): none spans two threads.
    for (uint32_t i = begin; i < end; ++i) {
      uint64_t h = kNgramSeed;
      const int longest = static_cast<int>(std::min<uint32_t>(hi, end - i));
      for (int n = 1; n <= longest; ++n) {
        h = ngram_extend(h, name_hash_[w.seq[i + n - 1]]);
        if (n >= lo) w.counter.add(h, i << 3 | n);  // position and length of the first one
      }
    }
  }
  auto slots = w.counter.sorted();
  w.counter.clear();
  auto& counts = out_.ngrams_[t.file];
  counts.reserve(slots.size());
  file_worker_[t.file] = w.number;
  for (const auto& s : slots) {
    auto [local, fresh] = w.seen.insert(s.hash);
    counts.push_back({local, s.count});
    if (!fresh) continue;
    NgramKey& key = w.keys.emplace_back();
    key.n = static_cast<uint8_t>(s.tag & 7);
    std::copy_n(w.seq.begin() + (s.tag >> 3), key.n, key.api);
  }
}

void SketchBuilder::sketch_file(const FileTrace& t, Worker& w) {
  count_apis(t, w);
  float* sc = out_.scalars_.data() + size_t(t.file) * n_scalars_;
  file_stats(t, store_.has_return_value(), families_, sc);
  std::vector<double> tr = thread_traits(t, families_);
  for (size_t i = 0; i < tr.size(); ++i) sc[n_stats_ + i] = static_cast<float>(tr[i]);
  if (cfg_.ngrams) count_ngrams(t, w);
}

void SketchBuilder::merge_dictionaries(std::vector<Worker>& workers) {
  struct Item {
    uint64_t hash;
    NgramKey key;
    uint16_t worker;
    uint32_t local;
  };
  std::vector<Item> all;
  for (auto& w : workers)
    for (uint32_t i = 0; i < w.keys.size(); ++i)
      all.push_back({w.seen.hashes()[i], w.keys[i], w.number, i});
  auto key_less = [](const NgramKey& a, const NgramKey& b) {
    return std::lexicographical_compare(a.api, a.api + a.n, b.api, b.api + b.n);
  };
  // By hash; a (vanishingly rare) collision keeps the smallest key whatever the scheduling.
  std::sort(all.begin(), all.end(), [&](const Item& a, const Item& b) {
    return a.hash != b.hash ? a.hash < b.hash : key_less(a.key, b.key);
  });
  std::vector<std::vector<uint32_t>> global(workers.size());
  for (auto& w : workers) {
    global[w.number].resize(w.keys.size());
    w.seen.release();
    std::vector<NgramKey>().swap(w.keys);
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
    const auto& map = global[file_worker_[f]];
    for (NgramCount& g : out_.ngrams_[f]) g.id = map[g.id];
  });
}

Sketches SketchBuilder::run() {
  validate(cfg_);
  const uint32_t nf = store_.num_files();
  out_.api_names_ = store_.apis();
  for (const auto& a : out_.api_names_) name_hash_.push_back(api_name_hash(a));
  out_.labels_.resize(nf);
  out_.file_ids_.resize(nf);
  for (uint32_t f = 0; f < nf; ++f) {
    out_.labels_[f] = store_.label(f);
    out_.file_ids_[f] = std::string(store_.file_id(f));
  }
  families_ = family_map(store_);
  out_.scalar_names_ = file_stat_names(store_.has_return_value(), families_);
  n_stats_ = out_.scalar_names_.size();
  // Always: cheap, and a sketch then serves pipelines with or without family 4.
  for (const auto& n : thread_trait_names(families_)) out_.scalar_names_.push_back("thread:" + n);
  n_scalars_ = out_.scalar_names_.size();
  out_.scalars_.assign(size_t(nf) * n_scalars_, 0.f);
  out_.apis_.resize(nf);
  out_.ngrams_.resize(nf);
  file_worker_.resize(nf);
  if (cfg_.ngrams) {
    out_.ngram_min_ = cfg_.ngram_min;
    out_.ngram_max_ = cfg_.ngram_max;
    out_.collapse_repeats_ = cfg_.collapse_repeats;
  }

  std::vector<Worker> workers(threads_);
  for (size_t k = 0; k < workers.size(); ++k) {
    workers[k].number = static_cast<uint16_t>(k);
    workers[k].count.assign(store_.apis().size(), 0);
    workers[k].first.resize(store_.apis().size());
  }
  unsigned cols =
      kColApi | kColTid | kColIndex | (store_.has_return_value() ? unsigned(kColRet) : 0u);
  // Progress in bytes of store read, so the rate compares with ingest's.
  const double bytes_per_row =
      store_.num_rows() ? double(std::filesystem::file_size(store_.path())) / store_.num_rows() : 0;
  Progress progress("features", static_cast<uint64_t>(bytes_per_row * store_.num_rows()));
  store_.for_each_file(cols, threads_, [&](const FileTrace& t, int wk) {
    sketch_file(t, workers[wk]);
    uint64_t rows = rows_done_ += t.n_rows;
    ++files_done_;
    if (wk == 0) progress.update(static_cast<uint64_t>(rows * bytes_per_row), files_done_);
  });
  progress.finish();
  merge_dictionaries(workers);
  return std::move(out_);
}

Sketches Sketches::extract(const TraceStore& store, const FeatureConfig& cfg, int threads) {
  return SketchBuilder(store, cfg, threads).run();
}

}  // namespace malscope
