// fit_global over workers holding shards equals fit() on the whole store: the same saved
// pipeline bytes and the same matrix rows.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli/learn_data.h"
#include "features/pipeline.h"
#include "store/ingest.h"
#include "store/shard.h"
#include "test_util.h"
#include "thread_collective.h"

namespace malscope {
namespace {

using testing_util::TempDir;
using testing_util::ThreadCollective;

std::string pipeline_bytes(const FeaturePipeline& p) {
  ByteWriter w;
  p.save(w);
  return w.str();
}

std::vector<uint32_t> all_rows(const Sketches& s) {
  std::vector<uint32_t> r(s.size());
  for (uint32_t i = 0; i < r.size(); ++i) r[i] = i;
  return r;
}

void expect_global_equals_whole(int workers, FeatureConfig cfg) {
  TempDir dir;
  testing_util::write_text(dir.file("a.csv"), testing_learn::tianchi_csv(45, 8, true, nullptr));
  IngestOptions o;
  o.log = nullptr;
  o.progress = {};
  ingest_csv(dir.file("a.csv"), dir.file("a.store"), o);
  TraceStore whole = TraceStore::open(dir.file("a.store"));
  write_shards(whole, uint32_t(workers), dir.file("shards"), 1);
  Sketches sw = Sketches::extract(whole, cfg, 1);
  FeaturePipeline one(cfg);
  one.fit(sw, all_rows(sw));
  FeatureMatrix x = one.transform(sw, {}, ValueKind::kTfidf);

  std::vector<std::string> bytes(workers);
  std::vector<FeatureMatrix> parts(workers);
  std::vector<ShardInfo> infos(workers);
  ThreadCollective::run(workers, [&](Collective& c) {
    const int r = c.rank();
    TraceStore st = TraceStore::open(dir.file(fmt::format("shards/shard-{:03d}.store", r)));
    infos[r] = ShardInfo::of_store(st);
    Sketches s = Sketches::extract(st, cfg, 1);
    FeaturePipeline p(cfg);
    p.fit_global(s, all_rows(s), c);
    bytes[r] = pipeline_bytes(p);
    parts[r] = p.transform(s, {}, ValueKind::kTfidf);
  });
  for (int r = 0; r < workers; ++r) {
    EXPECT_EQ(bytes[r], pipeline_bytes(one)) << "worker " << r;
    for (size_t i = 0; i < parts[r].rows(); ++i) {
      const uint32_t g = infos[r].source_rows[i];
      ASSERT_EQ(parts[r].indptr[i + 1] - parts[r].indptr[i], x.indptr[g + 1] - x.indptr[g]);
      for (uint64_t k = 0; k < parts[r].indptr[i + 1] - parts[r].indptr[i]; ++k) {
        EXPECT_EQ(parts[r].indices[parts[r].indptr[i] + k], x.indices[x.indptr[g] + k]);
        EXPECT_EQ(parts[r].values[parts[r].indptr[i] + k], x.values[x.indptr[g] + k]);
      }
    }
  }
}

TEST(PipelineGlobal, TwoWorkersLearnTheWholeStoresPipeline) {
  FeatureConfig cfg;
  cfg.min_df = 2;
  expect_global_equals_whole(2, cfg);
}

TEST(PipelineGlobal, ThreeWorkersAndTheVocabularyCapOnGlobalCounts) {
  FeatureConfig cfg;
  cfg.min_df = 1;
  cfg.max_ngrams = 17;  // a cut inside ties of document frequency
  expect_global_equals_whole(3, cfg);
}

TEST(PipelineGlobal, OneWorkerIsFit) {
  expect_global_equals_whole(1, FeatureConfig{});
}

}  // namespace
}  // namespace malscope
