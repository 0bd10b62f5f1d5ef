#include "analysis/duplicates.h"

#include <gtest/gtest.h>

#include "analysis/audit.h"
#include "analysis/corpus_scan.h"
#include "analysis_fixtures.h"
#include "util/error.h"

namespace malscope {
namespace {

using testing_analysis::CsvBuilder;
using testing_analysis::TestStore;
using testing_analysis::Thread;

constexpr int kApis = 60;

// 40 unrelated random files (u0..u39), then planted copies: e0/e1 exact copies of u0 (other tids,
// threads swapped), n0 a near copy of u1 (0.5% of calls changed), and c0, an exact copy of u3
// with the other label.
std::string planted_csv() {
  std::mt19937 rng(11);
  CsvBuilder b;
  std::vector<std::vector<Thread>> base;
  for (int i = 0; i < 40; ++i) {
    std::vector<Thread> threads = {{100, testing_analysis::random_calls(rng, kApis, 300)},
                                   {101, testing_analysis::random_calls(rng, kApis, 100)}};
    base.push_back(threads);
    b.file(fmt::format("u{}", i), i % 2, threads);
  }
  b.file("e0", 0, {{7, base[0][1].calls}, {9, base[0][0].calls}});
  b.file("e1", 0, {{200, base[0][0].calls}, {201, base[0][1].calls}});
  b.file("n0", 1,
         {{100, testing_analysis::mutate(base[1][0].calls, rng, 0.005, kApis)},
          {101, base[1][1].calls}});
  b.file("c0", 0, base[3]);  // u3 has label 1
  return b.str();
}

struct Planted {
  TestStore ts{planted_csv()};
  CorpusScan scan;
  DuplicateClusters dc;
  Planted() {
    ScanOptions o;
    o.api_counts = o.traits = false;
    o.progress = {};
    scan = scan_corpus(ts.store(), FamilyMap{}, o, 2);
    dc = find_duplicates(scan.keys, scan.signatures, scan.num_hashes, DuplicateOptions{});
  }
  uint32_t f(const std::string& id) const { return *ts.store().find_file(id); }
};

TEST(Duplicates, FindsPlantedExactAndNearDuplicatesOnly) {
  Planted p;
  EXPECT_EQ(p.dc.exact[p.f("e0")], p.dc.exact[p.f("u0")]);
  EXPECT_EQ(p.dc.exact[p.f("e1")], p.dc.exact[p.f("u0")]);
  EXPECT_EQ(p.dc.exact[p.f("c0")], p.dc.exact[p.f("u3")]);
  EXPECT_NE(p.dc.exact[p.f("n0")], p.dc.exact[p.f("u1")]);      // not exact ...
  EXPECT_EQ(p.dc.cluster[p.f("n0")], p.dc.cluster[p.f("u1")]);  // ... but near
  // 44 files: u0+e0+e1, u1+n0, u3+c0 are clusters, the other 37 u's stand alone.
  EXPECT_EQ(p.dc.num_exact, 41u);
  EXPECT_EQ(p.dc.num_clusters, 40u);
  for (int i = 4; i < 40; ++i)
    for (int j = 0; j < i; ++j)
      EXPECT_NE(p.dc.cluster[p.f(fmt::format("u{}", i))], p.dc.cluster[p.f(fmt::format("u{}", j))]);
}

TEST(Duplicates, ClusterIdsFollowStoreOrderAndAreStableAcrossThreads) {
  Planted p;
  EXPECT_EQ(p.dc.cluster[0], 0u);
  ScanOptions o;
  o.api_counts = o.traits = false;
  o.progress = {};
  CorpusScan one = scan_corpus(p.ts.store(), FamilyMap{}, o, 1);
  DuplicateClusters again =
      find_duplicates(one.keys, one.signatures, one.num_hashes, DuplicateOptions{});
  EXPECT_EQ(one.signatures, p.scan.signatures);
  EXPECT_EQ(again.cluster, p.dc.cluster);
}

TEST(Duplicates, AuditReportsLabelConflicts) {
  Planted p;
  Audit a = run_audit(p.ts.store(), p.scan, AuditOptions{});
  EXPECT_EQ(a.duplicates.exact_conflicts, 1u);  // u3 (label 1) and c0 (label 0)
  EXPECT_EQ(a.duplicates.exact_conflict_files, 2u);
  EXPECT_EQ(a.duplicates.cluster_conflicts, 1u);
  ASSERT_EQ(a.duplicates.conflicts.size(), 1u);
  EXPECT_EQ(a.duplicates.conflicts[0].classes, (std::vector<uint32_t>{1, 1}));
  EXPECT_EQ(a.duplicates.exact_groups, 2u);
  EXPECT_EQ(a.duplicates.exact_files, 5u);
  EXPECT_EQ(a.duplicates.clusters, 3u);
  EXPECT_EQ(a.duplicates.near_clusters, 1u);
  ASSERT_FALSE(a.duplicates.largest.empty());
  EXPECT_EQ(a.duplicates.largest[0].files, 3u);  // u0, e0, e1
}

TEST(Duplicates, AGroupOfManyCopiesIsOneTrace) {
  // 300 runs of one trace (more than a byte can count) and one other file.
  CsvBuilder b;
  for (int i = 0; i < 300; ++i) b.file(fmt::format("c{}", i), 0, {{uint32_t(i), {"A", "B", "C"}}});
  b.file("other", 1, {{1, {"D", "E", "F", "G"}}});
  TestStore ts(b.str());
  ScanOptions o;
  o.api_counts = o.traits = false;
  o.progress = {};
  Audit a = run_audit(ts.store(), scan_corpus(ts.store(), FamilyMap{}, o, 2), AuditOptions{});
  ASSERT_FALSE(a.duplicates.largest.empty());
  EXPECT_EQ(a.duplicates.largest[0].files, 300u);
  EXPECT_EQ(a.duplicates.largest[0].exact_groups, 1u);
  EXPECT_EQ(a.duplicates.near_clusters, 0u);
}

TEST(Duplicates, LargeBucketsStayLinear) {
  // 3,000 files whose signatures agree on 12 of 16 values (estimated J 0.75, below the 0.8
  // threshold): they share six LSH buckets of 3,000, and must all stay alone without comparing
  // every pair.
  std::vector<uint64_t> keys;
  std::vector<uint32_t> sigs;
  const int k = 16;
  for (uint32_t i = 0; i < 3000; ++i) {
    keys.push_back(i);
    for (int j = 0; j < k; ++j) sigs.push_back(j < 12 ? 1u : i * 16 + j);  // 12 of 16 equal
  }
  DuplicateOptions o;
  o.bands = 8;
  DuplicateClusters dc = find_duplicates(keys, sigs, k, o);
  EXPECT_EQ(dc.num_clusters, 3000u);
  EXPECT_LT(dc.compared_pairs, 3000u * 8 * 33);
}

TEST(Duplicates, RejectsBandsThatDoNotDivide) {
  DuplicateOptions o;
  o.bands = 7;
  EXPECT_THROW(validate(o, 128), UsageError);
  o.bands = 16;
  o.threshold = 0;
  EXPECT_THROW(validate(o, 128), UsageError);
}

}  // namespace
}  // namespace malscope
