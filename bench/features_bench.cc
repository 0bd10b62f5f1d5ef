// Feature extraction throughput and memory on a store: Sketches::extract (rows/s, MB of store/s),
// then fit on 80% of the rows and transform of the rest, both value kinds, with peak RSS after
// each step. Usage: features_bench STORE [threads] [ngram_max] [collapse 0|1]
#include <sys/resource.h>

#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "features/pipeline.h"
#include "util/error.h"
#include "util/progress.h"
#include "util/thread_pool.h"

using namespace malscope;

namespace {

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // kB on Linux
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void run(const std::string& path, int threads, const FeatureConfig& cfg) {
  auto t0 = std::chrono::steady_clock::now();
  TraceStore store = TraceStore::open(path);
  const double mb = std::filesystem::file_size(path) / 1e6;
  std::printf(
      "store      %s: %u files, %s rows, %.1f MB, %u chunks; %d threads, n-grams %d..%d%s\n",
      path.c_str(), store.num_files(), human_count(store.num_rows()).c_str(), mb,
      store.num_chunks(), default_threads(threads), cfg.ngram_min, cfg.ngram_max,
      cfg.collapse_repeats ? " (repeats collapsed)" : "");

  t0 = std::chrono::steady_clock::now();
  Sketches s = Sketches::extract(store, cfg, threads);
  double t = since(t0);
  std::printf(
      "extract    %7.2f s  %s rows/s  %.1f MB/s  sketches %.1f MB (%zu distinct n-grams)  "
      "peak RSS %.0f MB\n",
      t, human_count(store.num_rows() / t).c_str(), mb / t, s.memory_bytes() / 1e6, s.num_ngrams(),
      peak_rss_mb());

  std::vector<uint32_t> train, test;
  for (uint32_t r = 0; r < s.size(); ++r) (r % 5 ? train : test).push_back(r);
  FeaturePipeline p(cfg);
  p.set_threads(threads);
  t0 = std::chrono::steady_clock::now();
  p.fit(s, train);
  std::printf("fit        %7.2f s  on %zu rows: %zu columns  peak RSS %.0f MB\n", since(t0),
              train.size(), p.column_names().size(), peak_rss_mb());
  for (ValueKind kind : {ValueKind::kCounts, ValueKind::kTfidf}) {
    for (auto* rows : {&train, &test}) {
      t0 = std::chrono::steady_clock::now();
      FeatureMatrix m = p.transform(s, *rows, kind);
      std::printf("transform  %7.2f s  %s, %zu rows: %s non-zeros (%.1f MB)  peak RSS %.0f MB\n",
                  since(t0), kind == ValueKind::kCounts ? "counts" : "tf-idf", m.rows(),
                  human_count(m.nnz()).c_str(), m.nnz() * 8 / 1e6, peak_rss_mb());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s STORE [threads] [ngram_max] [collapse 0|1]\n", argv[0]);
    return 2;
  }
  try {
    FeatureConfig cfg;
    if (argc > 3) cfg.ngram_max = std::stoi(argv[3]);
    if (argc > 4) cfg.collapse_repeats = std::stoi(argv[4]) != 0;
    run(argv[1], argc > 2 ? std::stoi(argv[2]) : 0, cfg);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "features_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
