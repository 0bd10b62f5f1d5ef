#include "eval/metrics.h"

#include <gtest/gtest.h>
#include <cmath>

#include "util/error.h"

namespace malscope {
namespace {

// Four files, three classes; every value below is worked out by hand from these rows.
Predictions four_rows() {
  return {3,
          {0.7, 0.2, 0.1,    // y 0
           0.1, 0.8, 0.1,    // y 1
           0.3, 0.3, 0.4,    // y 2
           0.5, 0.4, 0.1}};  // y 1, predicted 0
}
const std::vector<int32_t> kLabels = {0, 1, 2, 1};

TEST(Metrics, BothLoglossFormulas) {
  Metrics m = compute_metrics(kLabels, four_rows());
  using std::log;
  EXPECT_NEAR(m.logloss, -(log(.7) + log(.8) + log(.4) + log(.4)) / 4, 1e-9);
  double tianchi = -(log(.7) + log(.8) + log(.9)) - (log(.9) + log(.8) + log(.9)) -
                   (log(.7) + log(.7) + log(.4)) - (log(.5) + log(.4) + log(.9));
  EXPECT_NEAR(m.tianchi_logloss, tianchi / 4, 1e-9);
  EXPECT_NEAR(logloss(kLabels, four_rows()), m.logloss, 1e-12);
}

TEST(Metrics, AccuracyF1Confusion) {
  Metrics m = compute_metrics(kLabels, four_rows());
  EXPECT_DOUBLE_EQ(m.accuracy, 0.75);
  EXPECT_EQ(m.confusion, (std::vector<std::vector<uint32_t>>{{1, 0, 0}, {1, 1, 0}, {0, 0, 1}}));
  EXPECT_NEAR(m.per_class[0].precision, 0.5, 1e-12);
  EXPECT_NEAR(m.per_class[0].recall, 1.0, 1e-12);
  EXPECT_NEAR(m.per_class[1].precision, 1.0, 1e-12);
  EXPECT_NEAR(m.per_class[1].recall, 0.5, 1e-12);
  EXPECT_NEAR(m.per_class[1].f1, 2.0 / 3, 1e-12);
  EXPECT_NEAR(m.macro_f1, 7.0 / 9, 1e-12);
  EXPECT_EQ(m.per_class[1].files, 2u);
  EXPECT_NEAR(m.per_class[1].logloss, -(std::log(.8) + std::log(.4)) / 2, 1e-9);
  EXPECT_NEAR(m.per_class[2].logloss, -std::log(.4), 1e-9);
}

TEST(Metrics, ClassZeroVersusKPairs) {
  Metrics m = compute_metrics(kLabels, four_rows());
  ASSERT_EQ(m.pairs.size(), 2u);
  using std::log;
  EXPECT_EQ(m.pairs[0].label, 1);
  EXPECT_EQ(m.pairs[0].files, 3u);
  EXPECT_NEAR(m.pairs[0].logloss, -(log(.7 / .9) + log(.8 / .9) + log(.4 / .9)) / 3, 1e-9);
  EXPECT_EQ(m.pairs[1].label, 2);
  EXPECT_EQ(m.pairs[1].files, 2u);
  EXPECT_NEAR(m.pairs[1].logloss, -(log(.7 / .8) + log(.4 / .7)) / 2, 1e-9);
}

TEST(Metrics, ClipsBeforeScoring) {
  Predictions p{2, {1.0, 0.0}};
  std::vector<int32_t> y = {1};
  EXPECT_NEAR(compute_metrics(y, p).logloss, -std::log(1e-6), 1e-6);
}

TEST(Metrics, ClipNormalizeStaysInBounds) {
  std::vector<double> row = {0.99999999, 0, 0, 0, 0, 0};
  clip_normalize(row);
  double sum = 0;
  for (double v : row) {
    EXPECT_GE(v, kProbEps * (1 - 1e-12));
    EXPECT_LE(v, 1 - kProbEps);
    sum += v;
  }
  EXPECT_NEAR(sum, 1, 1e-12);
  std::vector<double> zeros = {0, 0, 0, 0};
  clip_normalize(zeros);
  EXPECT_DOUBLE_EQ(zeros[2], 0.25);
}

TEST(Metrics, RejectsMismatchedInput) {
  std::vector<int32_t> y = {0, 3};
  Predictions p{3, {0.5, 0.25, 0.25, 0.5, 0.25, 0.25}};
  EXPECT_THROW(compute_metrics(y, p), Error);
  EXPECT_THROW(compute_metrics(std::vector<int32_t>{0}, p), Error);
}

TEST(Metrics, TextNamesEveryTable) {
  std::string t = metrics_text(compute_metrics(kLabels, four_rows()));
  EXPECT_NE(t.find("tianchi_logloss"), std::string::npos);
  EXPECT_NE(t.find("class 0 vs k"), std::string::npos);
  EXPECT_NE(t.find("confusion"), std::string::npos);
}

TEST(Blend, WeightsMinimiseOutOfFoldLoss) {
  // Model a is right about row 0, model b about row 1: the even blend wins.
  std::vector<int32_t> y = {0, 1};
  std::vector<Predictions> oof = {{2, {0.9, 0.1, 0.9, 0.1}}, {2, {0.1, 0.9, 0.1, 0.9}}};
  auto w = choose_blend_weights(oof, y, 0.1);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NEAR(w[0], 0.5, 1e-12);
  EXPECT_NEAR(w[1], 0.5, 1e-12);
  // A useless second model gets no weight.
  std::vector<Predictions> oof2 = {{2, {0.9, 0.1, 0.1, 0.9}}, {2, {0.5, 0.5, 0.5, 0.5}}};
  auto w2 = choose_blend_weights(oof2, y, 0.1);
  EXPECT_NEAR(w2[0], 1.0, 1e-12);
  Predictions b = blend(oof, std::vector<double>{0.25, 0.75});
  EXPECT_NEAR(b.prob[0], 0.25 * 0.9 + 0.75 * 0.1, 1e-12);
}

}  // namespace
}  // namespace malscope
