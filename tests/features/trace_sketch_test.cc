// Featurizing traces one at a time, without the store path (what a scoring service does), gives
// exactly the matrix the store path gives.
#include "features/trace_sketch.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <random>

#include "features/pipeline.h"
#include "features/sketches.h"
#include "features/temp_store.h"

namespace malscope {
namespace {

using testing_features::same_matrix;
using testing_features::TempStore;

// Labeled files of several threads, with repeats, text and negative return values, in three
// classes whose API mixes differ.
std::string mixed_csv(int files, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (int f = 0; f < files; ++f) {
    const int label = f % 3;
    for (int t = 0, nt = 1 + rng() % 4; t < nt; ++t)
      for (int i = 0, n = 1 + rng() % 60, a = 0; i < n; ++i) {
        if (rng() % 3 == 0) a = static_cast<int>(rng() % (8 + 4 * label));
        std::string ret = rng() % 17 == 0 ? "NULL" : std::to_string(int(rng() % 5) - 1);
        csv += fmt::format("f{},{},Api{},{},{},{}\n", f, label, a, 100 + t, ret, i);
      }
  }
  return csv;
}

std::vector<uint32_t> every_row(const Sketches& s) {
  std::vector<uint32_t> rows(s.size());
  for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  return rows;
}

// Rows of `m` laid end to end, without the row numbers (each single-trace matrix has row 0).
struct Rows {
  std::vector<uint64_t> indptr{0};
  std::vector<uint32_t> indices;
  std::vector<float> values;
  bool operator==(const Rows&) const = default;
};

Rows rows_of(const FeatureMatrix& m) {
  Rows r;
  r.indices = m.indices;
  r.values = m.values;
  r.indptr = m.indptr;
  return r;
}

void append(Rows& all, const FeatureMatrix& one) {
  ASSERT_EQ(one.rows(), 1u);
  all.indices.insert(all.indices.end(), one.indices.begin(), one.indices.end());
  all.values.insert(all.values.end(), one.values.begin(), one.values.end());
  all.indptr.push_back(all.indices.size());
}

TEST(TraceSketch, OneTraceAtATimeGivesTheStoreMatrix) {
  TempStore t(mixed_csv(90, 3), 2048);  // several chunks
  const TraceStore& store = t.store();
  FeatureConfig cfg;
  cfg.min_df = 2;
  Sketches all = Sketches::extract(store, cfg, 2);
  FeaturePipeline pipe(cfg);
  pipe.fit(all, every_row(all));
  for (ValueKind kind : {ValueKind::kCounts, ValueKind::kTfidf}) {
    FeatureMatrix want = pipe.transform(all, {}, kind);
    Rows got;
    for (uint32_t f = 0; f < store.num_files(); ++f) {
      OwnedTrace o = store.read_file(f, kColAll);
      SketchBuilder one(store.apis(), store.has_return_value(), cfg, 1);
      one.add(0, o.trace);
      Sketches s = one.finish();
      ASSERT_EQ(s.file_id(0), store.file_id(f));
      ASSERT_EQ(s.label(0), store.label(f));
      append(got, pipe.transform(s, {}, kind));
    }
    EXPECT_TRUE(got == rows_of(want)) << "value kind " << int(kind);
  }
}

TEST(TraceSketch, BuilderGivesTheSameSketchesWhateverTheWorkerAndOrder) {
  TempStore t(mixed_csv(60, 9), 2048);
  const TraceStore& store = t.store();
  FeatureConfig cfg;
  cfg.min_df = 1;
  Sketches want = Sketches::extract(store, cfg, 1);
  SketchBuilder b(store.apis(), store.has_return_value(), cfg, store.num_files(), 3);
  for (uint32_t k = 0; k < store.num_files(); ++k) {
    uint32_t f = store.num_files() - 1 - k;  // backwards, spread over the workers
    OwnedTrace o = store.read_file(f, kColAll);
    b.add(f, o.trace, int(f % 3));
  }
  Sketches got = b.finish();
  ASSERT_EQ(got.size(), want.size());
  ASSERT_EQ(got.num_ngrams(), want.num_ngrams());
  for (uint32_t id = 0; id < got.num_ngrams(); ++id) {
    EXPECT_EQ(got.ngram_hash(id), want.ngram_hash(id));
    EXPECT_EQ(got.ngram_text(id), want.ngram_text(id));
  }
  FeaturePipeline pipe(cfg);
  pipe.fit(want, every_row(want));
  EXPECT_TRUE(same_matrix(pipe.transform(got, {}, ValueKind::kCounts),
                          pipe.transform(want, {}, ValueKind::kCounts)));
}

TEST(TraceSketch, SketcherCountsOneTrace) {
  const std::vector<std::string> apis = {"LdrLoadDll", "NtClose", "NtCreateFile"};
  // Thread 1: A A B, thread 2: C A.
  std::vector<uint16_t> api = {0, 0, 1, 2, 0};
  std::vector<uint32_t> tid = {1, 1, 1, 2, 2}, index = {0, 1, 2, 0, 1};
  std::vector<int64_t> ret = {0, 0, -1, 0, 5};
  FileTrace trace;
  trace.id = "x";
  trace.api = api;
  trace.tid = tid;
  trace.index = index;
  trace.ret = ret;
  trace.n_rows = 5;
  FeatureConfig cfg;
  cfg.ngram_max = 2;
  TraceSketcher sk(apis, true, cfg);
  TraceSketch out;
  sk.sketch(trace, out);
  ASSERT_EQ(out.apis.size(), 3u);
  EXPECT_EQ(out.apis[0].count, 3u);  // LdrLoadDll
  EXPECT_EQ(out.apis[0].first, 0u);
  EXPECT_EQ(out.apis[2].first, 0u);  // NtCreateFile first in thread 2
  // 1-grams: A, B, C; 2-grams within threads: AA, AB, CA (no B>C across threads).
  EXPECT_EQ(out.ngrams.size(), 6u);
  uint64_t total = 0;
  for (const auto& g : out.ngrams) total += g.count;
  EXPECT_EQ(total, 5u + 3u);
  EXPECT_EQ(out.scalars.size(), sk.scalar_names().size());
}

}  // namespace
}  // namespace malscope
