#include "analysis/corpus_scan.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>

#include "util/progress.h"
#include "util/stopwatch.h"
#include "util/thread_pool.h"

namespace malscope {

std::span<const double> CorpusScan::trait_row(uint32_t f) const {
  const size_t w = trait_names.size();
  return std::span<const double>(traits).subspan(size_t(f) * w, w);
}

std::span<const uint32_t> CorpusScan::signature(uint32_t f) const {
  return std::span<const uint32_t>(signatures).subspan(size_t(f) * num_hashes, num_hashes);
}

namespace {

// Per-worker state: a dense counter over API ids (cleared through the touched list) and a
// Shingler with its hash table.
struct Worker {
  std::vector<uint32_t> dense;
  std::vector<uint16_t> touched;
  std::vector<uint16_t> remapped;  // the api column through ScanOptions::api_remap
  Shingler shingler;
  Worker(size_t apis, const MinHashOptions& o) : dense(apis, 0), shingler(o) {}
};

using Counts = std::vector<std::pair<uint16_t, uint32_t>>;

Counts count_apis(const FileTrace& t, Worker& w) {
  for (uint16_t a : t.api) {
    if (a >= w.dense.size()) continue;  // corrupt ids are the store's to report, not ours
    if (w.dense[a]++ == 0) w.touched.push_back(a);
  }
  std::sort(w.touched.begin(), w.touched.end());
  Counts c;
  c.reserve(w.touched.size());
  for (uint16_t a : w.touched) {
    c.emplace_back(a, w.dense[a]);
    w.dense[a] = 0;
  }
  w.touched.clear();
  return c;
}

void flatten(std::vector<Counts>& per_file, CorpusScan& out) {
  out.count_ptr.assign(per_file.size() + 1, 0);
  for (size_t f = 0; f < per_file.size(); ++f)
    out.count_ptr[f + 1] = out.count_ptr[f] + per_file[f].size();
  out.count_api.reserve(out.count_ptr.back());
  out.count_calls.reserve(out.count_ptr.back());
  for (Counts& c : per_file) {
    for (auto [a, n] : c) {
      out.count_api.push_back(a);
      out.count_calls.push_back(n);
    }
    Counts().swap(c);
  }
}

}  // namespace

CorpusScan scan_corpus(const TraceStore& store, const FamilyMap& families, const ScanOptions& opt,
                       int threads) {
  auto start = std::chrono::steady_clock::now();
  threads = default_threads(threads);
  CorpusScan out;
  out.files = store.num_files();
  if (opt.fingerprints) validate(opt.minhash);
  std::vector<Worker> workers;
  for (int i = 0; i < threads; ++i) workers.emplace_back(store.apis().size(), opt.minhash);
  std::vector<Counts> per_file(opt.api_counts ? out.files : 0);
  if (opt.traits) {
    out.trait_names = thread_trait_names(families);
    out.traits.assign(size_t(out.files) * out.trait_names.size(), 0.0);
  }
  if (opt.fingerprints) {
    out.minhash = opt.minhash;
    out.num_hashes = opt.minhash.num_hashes;
    out.keys.assign(out.files, 0);
    out.signatures.assign(size_t(out.files) * out.num_hashes, 0);
  }

  // Progress in store bytes, estimated from rows done, so the ETA reads naturally.
  const double bytes_per_row =
      store.num_rows() ? double(std::filesystem::file_size(store.path())) / store.num_rows() : 0;
  Progress progress(opt.progress, "scanning", static_cast<uint64_t>(bytes_per_row * store.num_rows()));
  std::atomic<uint64_t> rows_done{0}, files_done{0};
  std::mutex progress_mu;

  store.for_each_file(kColApi | kColTid, threads, [&](const FileTrace& t, int wi) {
    Worker& w = workers[wi];
    if (opt.api_counts) per_file[t.file] = count_apis(t, w);
    if (opt.traits) {
      std::vector<double> v = thread_traits(t, families);
      std::copy(v.begin(), v.end(), out.traits.begin() + size_t(t.file) * v.size());
    }
    if (opt.fingerprints) {
      FileTrace ft = t;
      if (!opt.api_remap.empty()) {
        w.remapped.resize(t.api.size());
        for (size_t i = 0; i < t.api.size(); ++i)
          w.remapped[i] = t.api[i] < opt.api_remap.size() ? opt.api_remap[t.api[i]] : t.api[i];
        ft.api = w.remapped;
      }
      out.keys[t.file] = trace_key(ft);
      w.shingler.signature(ft, std::span<uint32_t>(out.signatures)
                                   .subspan(size_t(t.file) * out.num_hashes, out.num_hashes));
    }
    uint64_t rows = rows_done += t.size();
    uint64_t files = ++files_done;
    if (progress.enabled() && progress_mu.try_lock()) {
      progress.update(static_cast<uint64_t>(rows * bytes_per_row), files);
      progress_mu.unlock();
    }
  });
  progress.finish();
  if (opt.api_counts) flatten(per_file, out);
  out.seconds = seconds_since(start);
  return out;
}

}  // namespace malscope
