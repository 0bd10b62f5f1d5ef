// Save/load, determinism across thread counts and chunks, and transforming a store with another
// API dictionary.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <random>

#include "features/pipeline.h"
#include "features/temp_store.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/serial.h"

namespace malscope {
namespace {

using testing_features::column;
using testing_features::same_matrix;
using testing_features::TempStore;
using testing_features::value;

// Seeded random traces: `files` files of 1-4 threads over 25 APIs, some threads repeated.
std::string random_csv(int files, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string csv = "file_id,label,api,tid,return_value,index\n";
  for (int f = 0; f < files; ++f) {
    int label = static_cast<int>(rng() % 3);
    int threads = 1 + static_cast<int>(rng() % 4);
    std::vector<int> seq(20 + rng() % 120);
    for (int& a : seq) a = static_cast<int>(rng() % (8 + 6 * label));
    for (int t = 0; t < threads; ++t) {
      if (rng() % 2)
        for (int& a : seq) a = rng() % 4 ? a : static_cast<int>(rng() % 25);
      for (size_t i = 0; i < seq.size(); ++i)
        csv += fmt::format("f{},{},Api{},{},{},{}\n", f, label, seq[i], 100 + t,
                           static_cast<int>(rng() % 5) - 1, i);
    }
  }
  return csv;
}

std::vector<uint32_t> every_other(size_t n, size_t start) {
  std::vector<uint32_t> r;
  for (size_t i = start; i < n; i += 2) r.push_back(static_cast<uint32_t>(i));
  return r;
}

// FeaturePipeline::load of the whole blob, as a bundle reads a member's pipeline.
FeaturePipeline load_blob(std::string_view blob) {
  ByteReader r(blob, "feature pipeline");
  FeaturePipeline p = FeaturePipeline::load(r);
  r.expect_end();
  return p;
}

FeatureConfig small_config() {
  FeatureConfig cfg;
  cfg.max_ngrams = 300;
  return cfg;
}

TEST(FeaturePipelineIo, SameMatrixBytesWhateverTheThreadCount) {
  TempStore t(random_csv(120, 7), 1024);  // several chunks: extraction runs in parallel
  ASSERT_GT(t.store().num_chunks(), 4u);
  FeatureMatrix ref[2];
  for (int threads : {1, 2, 3}) {
    Sketches s = Sketches::extract(t.store(), small_config(), threads);
    FeaturePipeline p(small_config());
    p.set_threads(threads);
    auto train = every_other(s.size(), 0), test = every_other(s.size(), 1);
    p.fit(s, train);
    FeatureMatrix m[2] = {p.transform(s, test, ValueKind::kCounts),
                          p.transform(s, test, ValueKind::kTfidf)};
    for (size_t r = 0; r < m[1].rows(); ++r)
      for (uint64_t k = m[1].indptr[r] + 1; k < m[1].indptr[r + 1]; ++k)
        ASSERT_LT(m[1].indices[k - 1], m[1].indices[k]) << "row " << r << ": columns not ascending";
    if (threads == 1) {
      ref[0] = std::move(m[0]), ref[1] = std::move(m[1]);
      ASSERT_GT(ref[0].nnz(), 1000u);
      continue;
    }
    EXPECT_TRUE(same_matrix(ref[0], m[0])) << threads << " threads, counts";
    EXPECT_TRUE(same_matrix(ref[1], m[1])) << threads << " threads, tf-idf";
  }
}

TEST(FeaturePipelineIo, SaveLoadGivesIdenticalMatrices) {
  TempStore t(random_csv(60, 11));
  Sketches s = Sketches::extract(t.store(), small_config(), 2);
  FeaturePipeline p(small_config());
  auto train = every_other(s.size(), 0);
  p.fit(s, train);
  std::string blob = to_bytes(p);
  FeaturePipeline q = load_blob(blob);
  EXPECT_EQ(to_bytes(q), blob);
  EXPECT_EQ(q.config().max_ngrams, 300u);
  for (ValueKind k : {ValueKind::kCounts, ValueKind::kTfidf})
    EXPECT_TRUE(same_matrix(p.transform(s, {}, k), q.transform(s, {}, k)));
}

// A version-2 blob (before features.tree_ngrams) loads with every n-gram in the count matrices,
// as version 2 built them.
// The blob of `p` as an older version wrote it: without the last `drop` bytes of its config
// rows (a version adds one row at the end).
std::string older_blob(const FeaturePipeline& p, uint32_t version, size_t drop) {
  const std::string now = to_bytes(p);
  ByteWriter config;
  feature_params().save(config, p.config());
  // magic (8), version (4), payload size (8), checksum (8), payload: the config rows, then what
  // fit() learned.
  const size_t head = 28, rows = config.str().size();
  const std::string payload = now.substr(head, rows - drop) + now.substr(head + rows);
  ByteWriter old;
  old.put_raw(now.substr(0, 8));
  old.put<uint32_t>(version);
  old.put<uint64_t>(payload.size());
  old.put<uint64_t>(hash_bytes(payload));
  old.put_raw(payload);
  return old.str();
}

TEST(FeaturePipelineIo, OlderBlobsBuildTheCountMatricesTheirVersionBuilt) {
  TempStore t(random_csv(60, 11));
  FeatureConfig cfg = small_config();
  cfg.tree_ngrams = 0;
  cfg.tree_api_log = true;  // what versions 2 and 3 did
  Sketches s = Sketches::extract(t.store(), cfg, 2);
  FeaturePipeline p(cfg);
  p.fit(s, every_other(s.size(), 0));
  // Version 2 lacks features.tree_ngrams (4 bytes) and features.tree_api_log (1 byte).
  FeaturePipeline q = load_blob(older_blob(p, 2, 5));
  EXPECT_EQ(q.config().tree_ngrams, 0u);
  EXPECT_TRUE(q.config().tree_api_log);
  EXPECT_EQ(q.config().max_ngrams, 300u);
  for (ValueKind k : {ValueKind::kCounts, ValueKind::kTfidf})
    EXPECT_TRUE(same_matrix(p.transform(s, {}, k), q.transform(s, {}, k)));
  // Version 3 keeps its n-gram cap and carries api_log: in its count matrices.
  FeatureConfig capped = small_config();
  capped.tree_ngrams = 7;
  capped.tree_api_log = true;
  FeaturePipeline c(capped);
  c.fit(s, every_other(s.size(), 0));
  FeaturePipeline d = load_blob(older_blob(c, 3, 1));
  EXPECT_EQ(d.config().tree_ngrams, 7u);
  EXPECT_TRUE(d.config().tree_api_log);
  EXPECT_TRUE(
      same_matrix(c.transform(s, {}, ValueKind::kCounts), d.transform(s, {}, ValueKind::kCounts)));
  EXPECT_LT(d.transform(s, {}, ValueKind::kCounts).nnz(),
            q.transform(s, {}, ValueKind::kCounts).nnz());
  // Today's default leaves api_log: out of the count matrices, and its blob keeps it so.
  FeaturePipeline e(small_config());
  e.fit(s, every_other(s.size(), 0));
  FeaturePipeline f = load_blob(to_bytes(e));
  EXPECT_FALSE(f.config().tree_api_log);
  const FeatureMatrix counts = f.transform(s, {}, ValueKind::kCounts);
  EXPECT_TRUE(same_matrix(e.transform(s, {}, ValueKind::kCounts), counts));
  for (uint64_t i = 0; i < counts.nnz(); ++i)
    EXPECT_NE(counts.column_names().at(counts.indices[i]).rfind("api_log:", 0), 0u);
}

TEST(FeaturePipelineIo, CorruptBlobsThrow) {
  TempStore t(random_csv(20, 3));
  FeatureConfig cfg = small_config();
  cfg.min_df = 1;
  Sketches s = Sketches::extract(t.store(), cfg, 1);
  FeaturePipeline p(cfg);
  auto rows = every_other(s.size(), 0);
  EXPECT_THROW(to_bytes(p), Error);  // nothing learned yet
  p.fit(s, rows);
  const std::string blob = to_bytes(p);
  EXPECT_THROW(load_blob(""), Error);
  EXPECT_THROW(load_blob("not a pipeline at all, just some text"), Error);
  EXPECT_THROW(load_blob(blob.substr(0, blob.size() - 1)), Error);
  EXPECT_THROW(load_blob(blob + "x"), Error);
  for (size_t at : {size_t(9), size_t(30), blob.size() / 2, blob.size() - 1}) {
    std::string bad = blob;
    bad[at] ^= 0x20;
    EXPECT_THROW(load_blob(bad), Error) << "byte " << at;
  }
}

TEST(FeaturePipelineIo, TestStoreWithAnotherApiDictionary) {
  TempStore train(
      "file_id,label,api,tid,return_value,index\n"
      "a,0,C,1,0,0\na,0,A,1,0,1\na,0,B,1,0,2\n"
      "b,1,B,1,0,0\nb,1,C,1,0,1\nb,1,A,1,0,2\n");
  TempStore test(  // Z is new; ids differ: Z=0, C=1, A=2; B is missing
      "file_id,api,tid,return_value,index\n"
      "t,Z,1,0,0\nt,C,1,0,1\nt,A,1,0,2\n");
  FeatureConfig cfg;
  cfg.min_df = 1;
  Sketches strain = Sketches::extract(train.store(), cfg, 1);
  Sketches stest = Sketches::extract(test.store(), cfg, 1);
  ASSERT_NE(strain.api_names(), stest.api_names());
  FeaturePipeline p(cfg);
  std::vector<uint32_t> rows = {0, 1};
  p.fit(strain, rows);
  FeatureMatrix m = p.transform(stest, {}, ValueKind::kCounts);
  EXPECT_EQ(m.column_names(), p.column_names());
  EXPECT_EQ(column(m, "api_count:Z"), -1);
  EXPECT_EQ(value(m, 0, "api_count:C"), 1);
  EXPECT_EQ(value(m, 0, "api_count:A"), 1);
  EXPECT_EQ(value(m, 0, "api_count:B"), 0);
  EXPECT_EQ(value(m, 0, "ng:C>A"), 1);      // matched by name hash across dictionaries
  EXPECT_EQ(value(m, 0, "stat:calls"), 3);  // statistics still count every call
  EXPECT_EQ(m.labels, std::vector<int32_t>{-1});
}

}  // namespace
}  // namespace malscope
