#include "features/sketches.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <random>

#include "features/pipeline.h"
#include "features/temp_store.h"

namespace malscope {
namespace {

using testing_features::TempStore;

// Random files with long runs of one API, several threads each.
std::string runs_csv(int files, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (int f = 0; f < files; ++f)
    for (int t = 0, nt = 1 + rng() % 3; t < nt; ++t)
      for (int i = 0, n = 1 + rng() % 40, a = 0; i < n; ++i) {
        if (rng() % 3 == 0) a = rng() % 6;
        csv += fmt::format("f{},{},A{},{},0,{}\n", f, f % 2, a, t, i);
      }
  return csv;
}

struct Threads {
  std::vector<std::vector<uint16_t>> calls;  // per thread, in order
};

Threads threads_of(const TraceStore& store, uint32_t f) {
  OwnedTrace o = store.read_file(f, kColApi | kColTid);
  Threads t;
  for (uint32_t i = 0; i < o.trace.n_rows; ++i) {
    if (i == 0 || o.trace.tid[i] != o.trace.tid[i - 1]) t.calls.emplace_back();
    t.calls.back().push_back(o.trace.api[i]);
  }
  return t;
}

TEST(Sketches, NgramCountsAddUpPerThread) {
  TempStore t(runs_csv(40, 5), 1024);
  FeatureConfig cfg;
  cfg.ngram_max = 4;
  Sketches s = Sketches::extract(t.store(), cfg, 2);
  for (uint32_t f = 0; f < s.size(); ++f) {
    Threads th = threads_of(t.store(), f);
    uint64_t calls = 0;
    for (const auto& a : s.apis(f)) calls += a.count;
    EXPECT_EQ(calls, t.store().file_rows(f));
    for (int n = 1; n <= 4; ++n) {
      uint64_t want = 0, got = 0;
      for (const auto& c : th.calls) want += c.size() >= size_t(n) ? c.size() - n + 1 : 0;
      for (const auto& g : s.ngrams(f)) got += s.ngram_length(g.id) == n ? g.count : 0;
      EXPECT_EQ(got, want) << "file " << f << ", n = " << n;
    }
  }
}

TEST(Sketches, CollapsedUnigramsCountRuns) {
  TempStore t(runs_csv(30, 9));
  FeatureConfig cfg;
  cfg.collapse_repeats = true;
  Sketches s = Sketches::extract(t.store(), cfg, 1);
  EXPECT_TRUE(s.collapse_repeats());
  for (uint32_t f = 0; f < s.size(); ++f) {
    uint64_t runs = 0, got = 0;
    for (const auto& c : threads_of(t.store(), f).calls)
      for (size_t i = 0; i < c.size(); ++i) runs += i == 0 || c[i] != c[i - 1];
    for (const auto& g : s.ngrams(f)) got += s.ngram_length(g.id) == 1 ? g.count : 0;
    EXPECT_EQ(got, runs) << "file " << f;
  }
}

TEST(Sketches, DictionaryIsSortedAndTextsHashBack) {
  TempStore t(runs_csv(20, 1));
  Sketches s = Sketches::extract(t.store(), {}, 2);
  ASSERT_GT(s.num_ngrams(), 10u);
  for (uint32_t id = 0; id < s.num_ngrams(); ++id) {
    if (id > 0) {
      EXPECT_LT(s.ngram_hash(id - 1), s.ngram_hash(id));
    }
    uint64_t h = kNgramSeed;
    std::string text = s.ngram_text(id);
    for (size_t from = 0, to; from <= text.size(); from = to + 1) {
      to = std::min(text.find('>', from), text.size());
      h = ngram_extend(h, api_name_hash(text.substr(from, to - from)));
    }
    EXPECT_EQ(h, s.ngram_hash(id)) << text;
  }
  for (uint32_t f = 0; f < s.size(); ++f)
    for (size_t j = 1; j < s.ngrams(f).size(); ++j)
      EXPECT_LT(s.ngrams(f)[j - 1].id, s.ngrams(f)[j].id);
}

// tune reuses sketches across configs that differ only in what fit() keeps.
TEST(Sketches, OnlyNgramSettingsShapeExtraction) {
  TempStore t(runs_csv(10, 2));
  FeatureConfig narrow;
  narrow.api_stats = narrow.api_set = narrow.threads = false;
  narrow.min_df = 1;
  Sketches s = Sketches::extract(t.store(), narrow, 1);
  FeatureConfig wide;
  wide.min_df = 1;
  FeaturePipeline p(wide);
  std::vector<uint32_t> rows = {0, 1, 2, 3};
  p.fit(s, rows);
  FeatureMatrix m = p.transform(s, rows, ValueKind::kCounts);
  EXPECT_GE(testing_features::column(m, "thread:identical_threads_share"), 0);
  EXPECT_GE(testing_features::column(m, "stat:calls"), 0);
}

// Saved pipelines hold n-gram hashes: changing the hash silently breaks every saved bundle.
TEST(Sketches, NgramHashIsPinned) {
  uint64_t h =
      ngram_extend(ngram_extend(kNgramSeed, api_name_hash("LdrLoadDll")), api_name_hash("NtClose"));
  EXPECT_EQ(api_name_hash("NtClose"), 0xdfeb9d94cbf24532ULL);
  EXPECT_EQ(h, 0xebcd9dca9844f596ULL);
}

}  // namespace
}  // namespace malscope
