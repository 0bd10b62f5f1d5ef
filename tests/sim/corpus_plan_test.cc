#include "sim/corpus_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "sim/file_plan.h"
#include "sim/trace_generator.h"

namespace malscope::sim {
namespace {

const World& world() {
  static const World w = build_world(1);
  return w;
}

CorpusSpec spec(int classes, Imbalance imbalance, double repeat_rate = 0, double leak = 0) {
  CorpusSpec s;
  s.seed = 3;
  s.shares = class_shares(classes, imbalance);
  s.repeat_rate = repeat_rate;
  s.id_leak = leak;
  s.scale = 100;
  for (const auto& protos : world().classes)
    s.content.emplace_back(protos.size(), std::array<double, 3>{20, 20, 20});
  return s;
}

TEST(ClassCounts, Season1SharesGiveTheRealCounts) {
  auto counts = class_counts(116624, class_shares(6, Imbalance::kSeason1));
  EXPECT_EQ(counts, (std::vector<uint64_t>{111545, 287, 744, 598, 53, 3397}));
}

TEST(ClassCounts, EveryPrefixStaysCloseToTheShares) {
  auto shares = class_shares(8, Imbalance::kSeason1);
  auto seq = label_sequence(5000, shares);
  std::vector<double> counts(8);
  for (size_t i = 0; i < seq.size(); ++i) {
    counts[seq[i]]++;
    // The first draws (one per class) put the rare classes ahead; the others are at most a few
    // files behind until the shares catch up.
    for (int c = 0; c < 8; ++c) ASSERT_LT(std::abs(counts[c] - shares[c] * (i + 1)), 8.0);
  }
  EXPECT_EQ(class_counts(1234, shares), class_counts(1234, shares));
}

TEST(ClassCounts, SumToNAndEveryClassIsPresent) {
  for (uint64_t n : {6u, 7u, 100u, 2000u, 12345u}) {
    auto counts = class_counts(n, class_shares(6, Imbalance::kSeason1));
    EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), uint64_t{0}), n);
    for (uint64_t c : counts) EXPECT_GE(c, 1u) << n;
  }
  auto balanced = class_counts(1000, class_shares(8, Imbalance::kBalanced));
  EXPECT_EQ(std::max_element(balanced.begin(), balanced.end()) - balanced.begin(), 0);
  EXPECT_LT(balanced[0], 400u);  // mild: normal is largest but not dominant
}

TEST(PlanSplit, IdLeakOneSortsByLabelZeroShuffles) {
  auto labels = [](const SplitPlan& p) {
    std::vector<int> l;
    for (const auto& f : p.files) l.push_back(f.label);
    return l;
  };
  auto sorted =
      labels(plan_split(world(), spec(6, Imbalance::kBalanced, 0, 1.0), false, 300, nullptr));
  EXPECT_TRUE(std::is_sorted(sorted.begin(), sorted.end()));
  auto shuffled =
      labels(plan_split(world(), spec(6, Imbalance::kBalanced, 0, 0.0), false, 300, nullptr));
  EXPECT_FALSE(std::is_sorted(shuffled.begin(), shuffled.end()));
  int descents = 0;
  for (size_t i = 1; i < shuffled.size(); ++i) descents += shuffled[i] < shuffled[i - 1];
  EXPECT_GT(descents, 80);
}

TEST(PlanSplit, RepeatsCopyAnOriginalOfTheSameLabel) {
  CorpusSpec s = spec(6, Imbalance::kBalanced, 0.3);
  SplitPlan train = plan_split(world(), s, false, 1000, nullptr);
  SplitPlan test = plan_split(world(), s, true, 500, &train);
  std::map<std::pair<bool, uint32_t>, const CorpusFile*> by_draw;
  for (const SplitPlan* p : {&train, &test})
    for (const CorpusFile& f : p->files) by_draw[{p->test, f.draw}] = &f;
  int repeats = 0, exact = 0, across = 0;
  for (const SplitPlan* p : {&train, &test}) {
    for (const CorpusFile& f : p->files) {
      if (f.origin == Origin::kOriginal) continue;
      ++repeats;
      exact += f.origin == Origin::kExactRepeat;
      across += p->test && !f.source_test;
      const CorpusFile* src = by_draw[{f.source_test, f.source}];
      ASSERT_NE(src, nullptr);
      EXPECT_EQ(src->origin, Origin::kOriginal);
      EXPECT_EQ(src->label, f.label);
      EXPECT_EQ(src->rows, f.rows);
      if (f.source_test == p->test) {
        EXPECT_LT(f.source, f.draw);  // an earlier sample, submitted again
      }
    }
  }
  EXPECT_NEAR(repeats, 450, 60);
  EXPECT_NEAR(exact, repeats / 2, 50);
  EXPECT_GT(across, 30);  // test files re-running train files
}

TEST(PlanSplit, PlannedRowsAreWhatTheGeneratorMakes) {
  CorpusSpec s = spec(8, Imbalance::kBalanced);
  SplitPlan plan = plan_split(world(), s, false, 80, nullptr);
  TraceGenerator gen(world(), true, 0.001);
  FileCalls calls;
  for (size_t i = 0; i < plan.files.size(); ++i) {
    uint64_t key = file_key(s.seed, false, plan.files[i].draw);
    FilePlan fp = plan_file(world(), plan.files[i].label, false, key, s.scale);
    gen.generate(fp, key, calls);
    EXPECT_EQ(calls.rows(), plan.files[i].rows) << i;
    EXPECT_EQ(calls.ret.size(), calls.rows());
    for (size_t t = 0; t < calls.threads(); ++t)
      EXPECT_LE(calls.thread_begin[t + 1] - calls.thread_begin[t], kThreadCap);
  }
}

TEST(PlanSplit, TestOnlyVariantsAppearOnlyInTest) {
  int in_train = 0, in_test = 0;
  for (uint64_t i = 0; i < 3000; ++i) {
    for (bool test : {false, true}) {
      FilePlan p = plan_file(world(), kRansomware, test, file_key(5, test, i), 100);
      bool novel = world().classes[kRansomware][p.proto].test_only;
      (test ? in_test : in_train) += novel;
    }
  }
  EXPECT_EQ(in_train, 0);
  EXPECT_NEAR(in_test, 3000 * 0.08, 80);
}

TEST(CalibrateScale, MeanCallsHitTheTarget) {
  auto shares = class_shares(6, Imbalance::kBalanced);
  double scale = calibrate_scale(world(), shares, 2000, 1);
  CorpusSpec s = spec(6, Imbalance::kBalanced);
  s.scale = scale;
  SplitPlan plan = plan_split(world(), s, false, 20000, nullptr);
  double mean = static_cast<double>(plan.rows) / plan.files.size();
  EXPECT_NEAR(mean, 2000, 200);
}

TEST(IndexDigits, CountsDigitsOfAllIndices) {
  EXPECT_EQ(index_digits(0), 0u);
  EXPECT_EQ(index_digits(10), 10u);
  EXPECT_EQ(index_digits(11), 12u);
  EXPECT_EQ(index_digits(5000), 10u + 180 + 2700 + 4000 * 4);
  EXPECT_EQ(decimal_digits(0), 1);
  EXPECT_EQ(decimal_digits(9999), 4);
}

}  // namespace
}  // namespace malscope::sim
