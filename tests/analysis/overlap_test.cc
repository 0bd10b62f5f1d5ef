// Train/test overlap: exact copies (other file_id, thread ids and thread order), near copies, and
// stores that number their APIs differently.
#include "analysis/overlap.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis_fixtures.h"
#include "util/error.h"

namespace malscope {
namespace {

using testing_analysis::CsvBuilder;
using testing_analysis::random_calls;
using testing_analysis::TestStore;

struct Pair {
  std::string train, test;
};

// train: t0..t9 random; test: "a" = t3 run again (other tids, threads swapped, other id), "b" = t7
// with 2 of 400 calls changed, "c" and "d" new (d calls APIs train never saw). The test file
// starts with "d", so the test store numbers its APIs in another order than train.
Pair make_csv() {
  std::mt19937 rng(11);
  CsvBuilder train, test;
  std::vector<std::vector<std::string>> a, b;
  for (int i = 0; i < 10; ++i) {
    auto t1 = random_calls(rng, 30, 200), t2 = random_calls(rng, 30, 200);
    train.file(fmt::format("t{}", i), i % 3, {{10, t1}, {11, t2}});
    if (i == 3) a = {t1, t2};
    if (i == 7) b = {t1, t2};
  }
  std::vector<std::string> other;
  for (int i = 0; i < 300; ++i) other.push_back(fmt::format("Zz{}", i % 17));
  test.file("d", 1, {{1, other}});
  test.file("a", 0, {{77, a[1]}, {78, a[0]}});  // t3 has label 0: agrees
  b[0][5] = "Api0";
  b[1][100] = "Api1";
  test.file("b", 2, {{5, b[0]}, {6, b[1]}});  // t7 has label 1: disagrees
  test.file("c", 2, {{5, random_calls(rng, 30, 300)}});
  return {train.str(), test.str()};
}

CorpusScan fingerprints(const TraceStore& s, std::vector<uint16_t> remap = {}) {
  ScanOptions o;
  o.api_counts = o.traits = false;
  o.progress = {};
  o.api_remap = std::move(remap);
  return scan_corpus(s, FamilyMap{}, o, 2);
}

TEST(Overlap, FindsExactAndNearCopiesAcrossStores) {
  Pair p = make_csv();
  TestStore train(p.train), test(p.test);
  ASSERT_NE(train.store().apis()[0], test.store().apis()[0]);  // numbered differently
  CorpusScan ref = fingerprints(train.store());
  CorpusScan own = fingerprints(test.store(), api_remap(test.store(), train.store()));
  Overlap o = find_overlap(test.store(), own, train.store(), ref, DuplicateOptions{});
  EXPECT_EQ(o.files, 4u);
  EXPECT_EQ(o.exact, 1u);
  EXPECT_EQ(o.near, 1u);
  ASSERT_EQ(o.matches.size(), 2u);
  const TraceStore& ts = test.store();
  const TraceStore& tr = train.store();
  EXPECT_EQ(ts.file_id(o.matches[0].file), "a");
  EXPECT_EQ(tr.file_id(o.matches[0].reference), "t3");
  EXPECT_TRUE(o.matches[0].exact);
  EXPECT_EQ(ts.file_id(o.matches[1].file), "b");
  EXPECT_EQ(tr.file_id(o.matches[1].reference), "t7");
  EXPECT_FALSE(o.matches[1].exact);
  EXPECT_GE(o.matches[1].similarity, 0.8);
  EXPECT_LT(o.matches[1].similarity, 1.0);
  EXPECT_EQ(o.copy_labels, (std::vector<uint32_t>{1, 1, 0}));
  EXPECT_EQ(o.labeled_matches, 2);
  EXPECT_EQ(o.agreeing, 1);
  EXPECT_EQ(matches_csv(o, ts, tr),
            fmt::format("file_id,reference_file_id,similarity,exact,reference_label\n"
                        "a,t3,1.0000,1,0\nb,t7,{:.4f},0,1\n",
                        o.matches[1].similarity));
}

TEST(Overlap, WithoutOneApiNumberingTheCopiesAreMissed) {
  Pair p = make_csv();
  TestStore train(p.train), test(p.test);
  Overlap o = find_overlap(test.store(), fingerprints(test.store()), train.store(),
                           fingerprints(train.store()), DuplicateOptions{});
  EXPECT_EQ(o.exact, 0u);  // why api_remap exists
}

TEST(Overlap, RemapKeepsSharedNamesAndNumbersNewOnes) {
  TestStore a("file_id,label,api,tid,return_value,index\n1,0,B,1,0,0\n1,0,X,1,0,1\n1,0,A,1,0,2\n");
  TestStore b("file_id,label,api,tid,return_value,index\n1,0,A,1,0,0\n1,0,B,1,0,1\n");
  EXPECT_EQ(api_remap(a.store(), b.store()), (std::vector<uint16_t>{1, 2, 0}));
}

bool same(const Overlap& a, const Overlap& b) {
  if (a.exact != b.exact || a.near != b.near || a.copy_labels != b.copy_labels ||
      a.labeled_matches != b.labeled_matches || a.agreeing != b.agreeing ||
      a.matches.size() != b.matches.size())
    return false;
  for (size_t i = 0; i < a.matches.size(); ++i)
    if (a.matches[i].file != b.matches[i].file ||
        a.matches[i].reference != b.matches[i].reference ||
        a.matches[i].similarity != b.matches[i].similarity)
      return false;
  return true;
}

// What audit --against and report --test ran by hand before: the query in the reference's
// numbering against a plain (audit) or a full (report) scan of the reference.
TEST(Overlap, AgainstEqualsTheStepsAuditAndReportTook) {
  Pair p = make_csv();
  TestStore train(p.train), test(p.test);
  const MinHashOptions mh;
  const DuplicateOptions dup;
  Overlap by_hand = find_overlap(test.store(), fingerprints_in(test.store(), train.store(), mh, 2),
                                 train.store(), fingerprints(train.store()), dup);
  Overlap audit = overlap_against(test.store(), train.store(), mh, dup, 2);
  EXPECT_TRUE(same(audit, by_hand));
  EXPECT_EQ(audit.exact, 1u);
  EXPECT_EQ(audit.near, 1u);
  ScanOptions full;
  full.progress = {};
  CorpusScan report_scan = scan_corpus(train.store(), family_map(train.store()), full, 2);
  EXPECT_TRUE(same(overlap_against(test.store(), train.store(), mh, dup, 2, &report_scan), audit));
  MinHashOptions other = mh;
  other.num_hashes = 64;
  EXPECT_THROW(overlap_against(test.store(), train.store(), other, dup, 2, &report_scan), Error);
}

TEST(Overlap, AuditAgainstThroughTheCli) {
  Pair p = make_csv();
  TestStore train(p.train), test(p.test);
  std::string m = test.file("m.csv");
  auto r = testing_util::malscope("audit " + test.path() + " --against " + train.path() +
                                  " --matches-out " + m);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("files with an exact copy there           1 (25.0%)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("labels equal to the copy's               1 of 2"), std::string::npos);
  EXPECT_EQ(testing_util::read_text(m).substr(0, 21), "file_id,reference_fil");
  auto j = testing_util::malscope("audit " + test.path() + " --json --against " + train.path());
  ASSERT_EQ(j.code, 0);
  nlohmann::json js = nlohmann::json::parse(j.out);
  EXPECT_EQ(js["overlap"]["exact"], 1);
  EXPECT_EQ(js["overlap"]["matches"][1]["reference_file_id"], "t7");
  auto bad = testing_util::malscope("audit " + test.path() + " --matches-out " + m);
  EXPECT_EQ(bad.code, 2);
}

}  // namespace
}  // namespace malscope
