#include "store/shard.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include "cli/learn_data.h"
#include "store/ingest.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

using testing_util::TempDir;

std::string make_store(const TempDir& dir, int files, uint64_t seed, const std::string& name) {
  testing_util::write_text(dir.file(name + ".csv"),
                           testing_learn::tianchi_csv(files, seed, true, nullptr));
  IngestOptions o;
  o.log = nullptr;
  o.progress = {};
  o.chunk_rows = 500;  // several chunks
  ingest_csv(dir.file(name + ".csv"), dir.file(name + ".store"), o);
  return dir.file(name + ".store");
}

TEST(Shard, SplitsByFileStratifiedAndKeepsEveryTrace) {
  TempDir dir;
  TraceStore src = TraceStore::open(make_store(dir, 31, 3, "a"));
  write_shards(src, 3, dir.file("shards"), 2);
  std::set<uint32_t> seen;
  for (uint32_t i = 0; i < 3; ++i) {
    TraceStore s = TraceStore::open(dir.file(fmt::format("shards/shard-{:03d}.store", i)));
    ShardInfo info = ShardInfo::of_store(s);
    EXPECT_EQ(info.source_id, store_identity(src));
    EXPECT_EQ(info.shards, 3u);
    EXPECT_EQ(info.index, i);
    ASSERT_EQ(info.source_rows.size(), s.num_files());
    EXPECT_EQ(s.apis(), src.apis());
    for (uint32_t f = 0; f < s.num_files(); ++f) {
      const uint32_t g = info.source_rows[f];
      EXPECT_TRUE(seen.insert(g).second);
      EXPECT_EQ(s.file_id(f), src.file_id(g));
      EXPECT_EQ(s.label(f), src.label(g));
      OwnedTrace a = s.read_file(f, kColAll), b = src.read_file(g, kColAll);
      EXPECT_TRUE(std::equal(a.trace.api.begin(), a.trace.api.end(), b.trace.api.begin(),
                             b.trace.api.end()));
      EXPECT_TRUE(std::equal(a.trace.tid.begin(), a.trace.tid.end(), b.trace.tid.begin(),
                             b.trace.tid.end()));
      EXPECT_TRUE(std::equal(a.trace.index.begin(), a.trace.index.end(), b.trace.index.begin(),
                             b.trace.index.end()));
    }
    // Stratified: each class's files are dealt round-robin, so no shard lacks a class here.
    std::set<int32_t> classes;
    for (uint32_t f = 0; f < s.num_files(); ++f) classes.insert(s.label(f));
    EXPECT_EQ(classes.size(), 3u);
  }
  EXPECT_EQ(seen.size(), src.num_files());
  EXPECT_TRUE(std::filesystem::exists(dir.file("shards/shards.json")));
}

TEST(Shard, SameStoreSameShards) {
  TempDir dir;
  TraceStore src = TraceStore::open(make_store(dir, 20, 4, "a"));
  write_shards(src, 2, dir.file("x"), 1);
  write_shards(src, 2, dir.file("y"), 2);
  for (const char* f : {"shard-000.store", "shard-001.store"})
    EXPECT_EQ(testing_util::read_text(dir.file(std::string("x/") + f)),
              testing_util::read_text(dir.file(std::string("y/") + f)));
}

TEST(Shard, MixedShardSetsAreRejected) {
  TempDir dir;
  TraceStore a = TraceStore::open(make_store(dir, 20, 5, "a"));
  TraceStore b = TraceStore::open(make_store(dir, 20, 6, "b"));
  EXPECT_NE(store_identity(a), store_identity(b));
  write_shards(a, 2, dir.file("sa"), 1);
  write_shards(b, 2, dir.file("sb"), 1);
  write_shards(a, 3, dir.file("sa3"), 1);
  auto info = [&](const std::string& p) { return ShardInfo::of_store(TraceStore::open(p)); };
  ShardInfo a0 = info(dir.file("sa/shard-000.store")), a1 = info(dir.file("sa/shard-001.store"));
  ShardInfo b1 = info(dir.file("sb/shard-001.store")), c1 = info(dir.file("sa3/shard-001.store"));
  EXPECT_NO_THROW(check_shard_set({a1, a0}));
  EXPECT_THROW(check_shard_set({a0, b1}), Error);
  EXPECT_THROW(check_shard_set({a0, c1}), Error);
  EXPECT_THROW(check_shard_set({a0, a0}), Error);
  EXPECT_THROW(check_shard_set({a0}), Error);
  EXPECT_THROW(ShardInfo::of_store(a), Error);  // not a shard
  EXPECT_THROW(write_shards(a, 0, dir.file("z"), 1), UsageError);
  EXPECT_THROW(write_shards(a, 21, dir.file("z"), 1), UsageError);
}

}  // namespace
}  // namespace malscope
