#include "features/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "features/file_stats.h"
#include "features/temp_store.h"
#include "util/error.h"

namespace malscope {
namespace {

using testing_features::column;
using testing_features::count_prefix;
using testing_features::TempStore;
using testing_features::value;

const std::string kHeader = "file_id,label,api,tid,return_value,index\n";

// Fits on every row of the store and transforms every row.
FeatureMatrix fit_all(const TraceStore& store, const FeatureConfig& cfg,
                      ValueKind kind = ValueKind::kCounts) {
  Sketches s = Sketches::extract(store, cfg, 1);
  std::vector<uint32_t> rows(s.size());
  for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  FeaturePipeline p(cfg);
  p.fit(s, rows);
  return p.transform(s, {}, kind);
}

FeatureConfig min_df_1() {
  FeatureConfig cfg;
  cfg.min_df = 1;
  return cfg;
}

TEST(ApiStats, CountsFirstPositionsAndStatistics) {
  TempStore t(kHeader +
              "a,0,NtClose,1,0,0\n"
              "a,0,NtOpenKey,1,3221225524,1\n"
              "a,0,NtClose,1,0,3\n"   // a gap: index 1 -> 3
              "a,0,NtClose,1,-1,3\n"  // a repeat: index 3 again
              "a,0,LdrLoadDll,2,0,5\n"
              "a,0,NtClose,2,1,6\n");
  FeatureMatrix m = fit_all(t.store(), min_df_1());
  EXPECT_EQ(value(m, 0, "api_count:NtClose"), 4);
  // Trees split log(1 + calls) where they split calls: the counts leave the copy out, the
  // linear model's view keeps it (log-scaled once more, as every statistic there).
  EXPECT_EQ(value(m, 0, "api_log:NtClose"), 0);
  FeatureMatrix lin = fit_all(t.store(), min_df_1(), ValueKind::kTfidf);
  EXPECT_GT(value(lin, 0, "api_log:NtClose"), 0);
  EXPECT_EQ(value(m, 0, "api_first:NtClose"), 1);  // index 0, stored + 1
  EXPECT_EQ(value(m, 0, "api_first:NtOpenKey"), 2);
  EXPECT_EQ(value(m, 0, "api_first:LdrLoadDll"), 6);
  EXPECT_EQ(value(m, 0, "stat:calls"), 6);
  EXPECT_EQ(value(m, 0, "stat:distinct_apis"), 3);
  EXPECT_EQ(value(m, 0, "stat:threads"), 2);
  EXPECT_EQ(value(m, 0, "stat:thread_calls_min"), 2);
  EXPECT_EQ(value(m, 0, "stat:thread_calls_mean"), 3);
  EXPECT_EQ(value(m, 0, "stat:thread_calls_max"), 4);
  EXPECT_EQ(value(m, 0, "stat:index_max"), 6);
  EXPECT_EQ(value(m, 0, "stat:index_repeats"), 1);
  EXPECT_EQ(value(m, 0, "stat:index_gaps"), 1);
  EXPECT_EQ(value(m, 0, "stat:ret_distinct"), 4);  // 0, 3221225524, -1, 1
  EXPECT_FLOAT_EQ(value(m, 0, "ret_zero_share:all"), 0.5f);
  EXPECT_FLOAT_EQ(value(m, 0, "ret_neg_share:all"), 2.f / 6);
}

TEST(ApiStats, ReturnSharesPerApiFamily) {
  TempStore t(kHeader +
              "r,1,CryptEncrypt,1,0,0\n"
              "r,1,CryptEncrypt,1,1,1\n"
              "r,1,NtOpenKey,1,3221225524,2\n"
              "r,1,NtOpenKey,1,3221225524,3\n");
  FeatureMatrix m = fit_all(t.store(), min_df_1());
  EXPECT_FLOAT_EQ(value(m, 0, "ret_zero_share:crypto"), 0.5f);
  EXPECT_FLOAT_EQ(value(m, 0, "ret_neg_share:crypto"), 0.f);
  EXPECT_FLOAT_EQ(value(m, 0, "ret_neg_share:registry"), 1.f);
  EXPECT_FLOAT_EQ(value(m, 0, "ret_zero_share:network"), 0.f);  // no network calls
  EXPECT_FLOAT_EQ(value(m, 0, "thread:family_share_crypto"), 0.5f);
  EXPECT_FLOAT_EQ(value(m, 0, "thread:family_share_registry"), 0.5f);
}

TEST(ApiStats, NegativeReturnsIncludeUnsigned32BitErrors) {
  EXPECT_TRUE(return_is_negative(-5));
  EXPECT_TRUE(return_is_negative(3221225524));  // STATUS_OBJECT_NAME_NOT_FOUND logged unsigned
  EXPECT_FALSE(return_is_negative(0));
  EXPECT_FALSE(return_is_negative(1));
  EXPECT_FALSE(return_is_negative(int64_t(1) << 32));
  EXPECT_FALSE(return_is_negative(kRetStringBase));  // an interned string
}

TEST(ApiStats, Season2LogsHaveNoReturnColumns) {
  TempStore t(
      "file_id,label,api,tid,index\n"
      "a,0,NtClose,1,0\n");
  FeatureMatrix m = fit_all(t.store(), min_df_1());
  EXPECT_EQ(count_prefix(m, "ret_"), 0u);
  EXPECT_EQ(column(m, "stat:ret_distinct"), -1);
  EXPECT_EQ(value(m, 0, "stat:calls"), 1);
}

// n1, n2, n3 are class 0; m1 is class 1 and the only training file calling Y.
const std::string kSetCsv = kHeader +
                            "n1,0,A,1,0,0\n"
                            "n2,0,A,1,0,0\n"
                            "m1,1,A,1,0,0\n"
                            "m1,1,Y,1,0,1\n"
                            "n3,0,Y,1,0,0\n";

TEST(ApiSet, LearnedOnlyFromTheRowsGivenToFit) {
  TempStore t(kSetCsv);
  const TraceStore& st = t.store();
  FeatureConfig cfg = min_df_1();
  Sketches s = Sketches::extract(st, cfg, 1);
  uint32_t n1 = *st.find_file("n1"), n2 = *st.find_file("n2"), m1 = *st.find_file("m1"),
           n3 = *st.find_file("n3");
  FeaturePipeline p(cfg);
  std::vector<uint32_t> train = {n1, n2, m1};
  p.fit(s, train);
  std::vector<uint32_t> test = {n3};
  FeatureMatrix m = p.transform(s, test, ValueKind::kCounts);
  EXPECT_EQ(column(m, "set:A"), -1);   // both class-0 training files call A
  EXPECT_EQ(value(m, 0, "set:Y"), 1);  // n3's own call to Y did not make Y common
  EXPECT_EQ(value(m, 0, "set_count"), 1);

  std::vector<uint32_t> all = {n1, n2, m1, n3};
  p.fit(s, all);  // now 1 of 3 class-0 files calls Y: not rare at 1%
  EXPECT_EQ(column(p.transform(s, test, ValueKind::kCounts), "set:Y"), -1);
  cfg.rare_in_class0 = 0.5;
  FeaturePipeline loose(cfg);
  loose.fit(s, all);
  EXPECT_GE(column(loose.transform(s, test, ValueKind::kCounts), "set:Y"), 0);
}

TEST(Ngrams, FollowIndexOrderAndNeverSpanThreads) {
  TempStore t(kHeader +
              "a,0,B,1,0,1\n"  // given out of order: index 0 (A) comes first
              "a,0,A,1,0,0\n"
              "a,0,C,2,0,0\n"
              "a,0,D,2,0,1\n");
  FeatureConfig cfg = min_df_1();
  cfg.api_stats = cfg.api_set = cfg.threads = false;
  FeatureMatrix m = fit_all(t.store(), cfg);
  std::vector<std::string> want = {"ng:A", "ng:A>B", "ng:B", "ng:C", "ng:C>D", "ng:D"};
  std::vector<std::string> got = m.column_names();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);  // no B>C, no 3-gram: threads are separate sequences
}

TEST(Ngrams, CollapseRepeats) {
  TempStore t(kHeader + "a,0,A,1,0,0\na,0,A,1,0,1\na,0,A,1,0,2\na,0,B,1,0,3\na,0,B,1,0,4\n" +
              "a,0,A,1,0,5\n");
  FeatureConfig cfg = min_df_1();
  FeatureMatrix plain = fit_all(t.store(), cfg);
  EXPECT_EQ(value(plain, 0, "ng:A>A"), 2);
  EXPECT_EQ(value(plain, 0, "ng:A>A>A"), 1);
  EXPECT_EQ(value(plain, 0, "ng:A"), 4);
  cfg.collapse_repeats = true;
  FeatureMatrix collapsed = fit_all(t.store(), cfg);
  EXPECT_EQ(column(collapsed, "ng:A>A"), -1);
  EXPECT_EQ(value(collapsed, 0, "ng:A>B>A"), 1);
  EXPECT_EQ(value(collapsed, 0, "ng:A"), 2);         // two runs of A
  EXPECT_EQ(value(collapsed, 0, "api_count:A"), 4);  // counts are not collapsed
}

TEST(Ngrams, MinDfAndCapKeepTheMostFrequentTiesByName) {
  TempStore t(kHeader + "f1,0,A,1,0,0\nf1,0,C,1,0,1\nf1,0,B,1,0,2\n" +
              "f2,0,A,1,0,0\nf2,0,C,1,0,1\nf2,0,B,1,0,2\n" + "f3,0,A,1,0,0\nf3,0,D,1,0,1\n");
  FeatureConfig cfg;
  cfg.api_stats = cfg.api_set = cfg.threads = false;
  cfg.ngram_max = 1;
  cfg.min_df = 2;  // D (df 1) is out
  auto names = [&] {
    auto n = fit_all(t.store(), cfg).column_names();  // columns are in hash order
    std::sort(n.begin(), n.end());
    return n;
  };
  EXPECT_EQ(names(), (std::vector<std::string>{"ng:A", "ng:B", "ng:C"}));
  cfg.max_ngrams = 2;  // A (df 3), then B before C (both df 2) by name
  EXPECT_EQ(names(), (std::vector<std::string>{"ng:A", "ng:B"}));
}

TEST(Ngrams, TreeNgramsKeepTheMostFrequentInTheCountMatricesOnly) {
  TempStore t(kHeader + "f1,0,A,1,0,0\nf1,0,C,1,0,1\nf1,0,B,1,0,2\n" +
              "f2,0,A,1,0,0\nf2,0,C,1,0,1\nf2,0,B,1,0,2\n" + "f3,0,A,1,0,0\nf3,0,D,1,0,1\n");
  FeatureConfig cfg = min_df_1();
  cfg.api_stats = cfg.api_set = cfg.threads = false;
  cfg.ngram_max = 1;
  // The n-gram columns with an entry in some row of the matrix, by name.
  auto filled = [&](ValueKind kind) {
    FeatureMatrix m = fit_all(t.store(), cfg, kind);
    std::vector<std::string> n;
    for (uint32_t c : m.indices) n.push_back(m.column_names()[c]);
    std::sort(n.begin(), n.end());
    n.erase(std::unique(n.begin(), n.end()), n.end());
    EXPECT_EQ(m.cols(), 4u) << "the columns stay the vocabulary's";
    return n;
  };
  const std::vector<std::string> all{"ng:A", "ng:B", "ng:C", "ng:D"};
  cfg.tree_ngrams = 0;
  EXPECT_EQ(filled(ValueKind::kCounts), all);
  cfg.tree_ngrams = 2;  // A (df 3), then B before C (both df 2) by name; D (df 1) out
  EXPECT_EQ(filled(ValueKind::kCounts), (std::vector<std::string>{"ng:A", "ng:B"}));
  EXPECT_EQ(filled(ValueKind::kTfidf), all);
  cfg.tree_ngrams = 1;
  EXPECT_EQ(filled(ValueKind::kCounts), (std::vector<std::string>{"ng:A"}));
  cfg.tree_ngrams = 4;
  EXPECT_EQ(filled(ValueKind::kCounts), all);
}

TEST(Ngrams, TfidfIsSublinearSmoothedAndL2Normalised) {
  TempStore t(kHeader + "f1,0,A,1,0,0\nf1,0,B,1,0,1\nf1,0,A,1,0,2\nf2,1,B,1,0,0\n");
  FeatureConfig cfg = min_df_1();
  cfg.ngram_max = 1;
  FeatureMatrix m = fit_all(t.store(), cfg, ValueKind::kTfidf);
  double a = (1 + std::log(2.0)) * (std::log(3.0 / 2) + 1), b = 1 * (std::log(3.0 / 3) + 1);
  double norm = std::sqrt(a * a + b * b);
  EXPECT_NEAR(value(m, 0, "ng:A"), a / norm, 1e-6);
  EXPECT_NEAR(value(m, 0, "ng:B"), b / norm, 1e-6);
  EXPECT_NEAR(value(m, 1, "ng:B"), 1.0, 1e-6);
  // Statistics: log scale over the training maximum.
  EXPECT_NEAR(value(m, 0, "api_count:A"), 1.0, 1e-6);
  EXPECT_NEAR(value(m, 0, "stat:calls"), 1.0, 1e-6);
  EXPECT_NEAR(value(m, 1, "stat:calls"), std::log1p(1.0) / std::log1p(3.0), 1e-6);
  cfg.sublinear_tf = false;
  FeatureMatrix raw = fit_all(t.store(), cfg, ValueKind::kTfidf);
  a = 2 * (std::log(3.0 / 2) + 1);
  EXPECT_NEAR(value(raw, 0, "ng:A"), a / std::sqrt(a * a + b * b), 1e-6);
}

TEST(Threads, IdenticalThreadsAndPrefixes) {
  std::string csv = kHeader;
  for (int tid : {1, 2, 3})  // three threads running the same sequence
    for (int i = 0; i < 3; ++i)
      csv += "d,3," + std::string(i == 1 ? "NtClose" : "GetSystemMetrics") + "," +
             std::to_string(tid) + ",0," + std::to_string(i) + "\n";
  csv +=
      "d,3,GetSystemMetrics,4,0,0\nd,3,NtClose,4,0,1\nd,3,GetSystemMetrics,4,0,2\n"
      "d,3,NtClose,4,0,3\n";  // the longest; the others are its prefixes
  TempStore t(csv);
  FeatureConfig cfg = min_df_1();
  FeatureMatrix m = fit_all(t.store(), cfg);
  EXPECT_EQ(value(m, 0, "thread:identical_threads_max_group"), 3);
  EXPECT_FLOAT_EQ(value(m, 0, "thread:identical_threads_share"), 0.75f);
  EXPECT_FLOAT_EQ(value(m, 0, "thread:prefix_threads_share"), 1.f);
  EXPECT_EQ(column(m, "thread:threads"), -1);  // family 1 has it as stat:threads
  cfg.api_stats = false;
  EXPECT_EQ(value(fit_all(t.store(), cfg), 0, "thread:threads"), 4);
}

TEST(Families, EachCanBeSelectedAlone) {
  TempStore t(kSetCsv);
  FeatureConfig only = min_df_1();
  only.api_stats = only.api_set = only.ngrams = only.threads = false;
  auto with = [&](bool FeatureConfig::*family) {
    FeatureConfig c = only;
    c.*family = true;
    return fit_all(t.store(), c);
  };
  FeatureMatrix ng = with(&FeatureConfig::ngrams);
  EXPECT_EQ(count_prefix(ng, "ng:"), ng.cols());
  FeatureMatrix set = with(&FeatureConfig::api_set);
  EXPECT_EQ(count_prefix(set, "set"), set.cols());
  FeatureMatrix th = with(&FeatureConfig::threads);
  EXPECT_EQ(count_prefix(th, "thread:"), th.cols());
  FeatureMatrix st = with(&FeatureConfig::api_stats);
  EXPECT_EQ(count_prefix(st, "api_") + count_prefix(st, "stat:") + count_prefix(st, "ret_"),
            st.cols());
  EXPECT_GT(st.cols(), 0u);
}

TEST(FeaturePipeline, RejectsBadConfigAndMisuse) {
  FeatureConfig bad;
  bad.ngram_max = 6;
  EXPECT_THROW(FeaturePipeline{bad}, UsageError);
  bad = {};
  bad.ngram_min = 3, bad.ngram_max = 2;
  EXPECT_THROW(FeaturePipeline{bad}, UsageError);

  TempStore t(kSetCsv);
  FeatureConfig two;
  two.ngram_max = 2;
  Sketches s = Sketches::extract(t.store(), two, 1);
  FeaturePipeline p;  // needs 3-grams the sketches lack
  std::vector<uint32_t> rows = {0, 1};
  EXPECT_THROW(p.fit(s, rows), Error);
  EXPECT_THROW(p.transform(s, rows, ValueKind::kCounts), Error);  // not fitted
  FeaturePipeline ok(two);
  std::vector<uint32_t> out_of_range = {0, 9};
  EXPECT_THROW(ok.fit(s, out_of_range), Error);
}

TEST(FeaturePipeline, FitNeedsLabels) {
  TempStore t("file_id,api,tid,return_value,index\nx,A,1,0,0\n");
  Sketches s = Sketches::extract(t.store(), {}, 1);
  FeaturePipeline p;
  std::vector<uint32_t> rows = {0};
  EXPECT_THROW(p.fit(s, rows), Error);
}

// Tokens of one row of a kSequence matrix.
std::vector<float> tokens(const FeatureMatrix& m, size_t r) {
  return std::vector<float>(m.values.begin() + m.indptr[r], m.values.begin() + m.indptr[r + 1]);
}

TEST(Sequences, ApisByNameThreadsApartRepeatsCollapsedAndCapped) {
  TempStore t(kHeader +
              "a,0,NtClose,1,0,0\n"
              "a,0,NtClose,1,0,1\n"  // a repeat: one token
              "a,0,NtOpenKey,1,0,2\n"
              "a,0,NtClose,1,0,3\n"
              "a,0,LdrLoadDll,2,0,0\n"  // thread 2, after a break
              "b,1,LdrLoadDll,7,0,0\n");
  FeatureConfig cfg = min_df_1();
  cfg.sequence_len = 5;
  FeatureMatrix m = fit_all(t.store(), cfg, ValueKind::kSequence);
  ASSERT_EQ(m.rows(), 2u);
  EXPECT_EQ(m.cols(), 0u);  // positions, not named columns
  // The vocabulary sorted by name: LdrLoadDll, NtClose, NtOpenKey.
  const float ldr = kFirstApiToken, close = kFirstApiToken + 1, open = kFirstApiToken + 2;
  const float brk = kThreadBreakToken;
  EXPECT_EQ(tokens(m, 0), (std::vector<float>{close, open, close, brk, ldr}));
  EXPECT_EQ(tokens(m, 1), (std::vector<float>{ldr}));
  for (size_t i = 0; i < m.nnz(); ++i)
    EXPECT_EQ(m.indices[i], i - m.indptr[i < 5 ? 0 : 1]);  // column = position
  cfg.sequence_len = 2;
  EXPECT_EQ(tokens(fit_all(t.store(), cfg, ValueKind::kSequence), 0),
            (std::vector<float>{close, open}));
}

TEST(Sequences, UnseenApisReadAsUnknownAndNothingIsKeptUnlessAsked) {
  TempStore train(kHeader + "a,0,NtClose,1,0,0\nb,1,NtOpenKey,1,0,0\n");
  TempStore test("file_id,api,tid,return_value,index\nx,NtOpenKey,1,0,0\nx,Brand_New,1,0,1\n");
  FeatureConfig cfg = min_df_1();
  cfg.sequence_len = 10;
  Sketches s = Sketches::extract(train.store(), cfg, 1);
  std::vector<uint32_t> rows = {0, 1};
  FeaturePipeline p(cfg);
  p.fit(s, rows);
  EXPECT_EQ(p.sequence_vocab(), kFirstApiToken + 2);
  FeatureMatrix m = p.transform(Sketches::extract(test.store(), cfg, 1), {}, ValueKind::kSequence);
  EXPECT_EQ(tokens(m, 0), (std::vector<float>{kFirstApiToken + 1, kUnknownApiToken}));

  // The default config keeps no sequences: no memory for them, and no sequence matrix.
  FeatureConfig plain = min_df_1();
  Sketches none = Sketches::extract(train.store(), plain, 1);
  EXPECT_EQ(none.sequence_len(), 0u);
  EXPECT_TRUE(none.sequence(0).empty());
  EXPECT_LT(none.memory_bytes(), s.memory_bytes());
  FeaturePipeline q(plain);
  q.fit(none, rows);
  EXPECT_THROW(q.transform(none, {}, ValueKind::kSequence), Error);
  // Sketches shorter than the pipeline's sequences are refused, not silently cut.
  EXPECT_THROW(p.transform(none, {}, ValueKind::kSequence), Error);
}

}  // namespace
}  // namespace malscope
