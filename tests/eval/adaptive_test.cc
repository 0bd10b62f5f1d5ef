#include "eval/adaptive.h"

#include <gtest/gtest.h>
#include <cmath>

#include <algorithm>
#include <string>

#include "learn_fixture.h"

namespace malscope {
namespace {

const AdaptedDefault* find(const std::vector<AdaptedDefault>& d, std::string_view param) {
  auto it =
      std::find_if(d.begin(), d.end(), [&](const AdaptedDefault& a) { return a.param == param; });
  return it == d.end() ? nullptr : &*it;
}

TEST(AdaptDefaults, SmallDataGetsTheSmallDataValuesAndGivenParametersStay) {
  testing_eval::LearnFixture fx;
  LearnSetup setup = fx.setup;
  auto d = adapt_defaults(fx.sketches, setup);
  const AdaptedDefault* col = find(d, "xgb.colsample_bytree");
  ASSERT_NE(col, nullptr);
  EXPECT_TRUE(col->changed);
  EXPECT_EQ(setup.params.get("xgb.colsample_bytree"), "0.3");
  const std::string text = adapted_text(d);
  EXPECT_NE(text.find("xgb.colsample_bytree = 0.3 (90 files <= 20000"), std::string::npos) << text;
  EXPECT_EQ(adapted_json(d)[0]["value"], "0.3");
  // Adapting twice changes nothing more.
  auto again = adapt_defaults(fx.sketches, setup);
  EXPECT_EQ(again.size(), d.size());
  for (const AdaptedDefault& a : again) EXPECT_FALSE(a.changed) << a.param;
  EXPECT_NE(adapted_text(again).find("xgb.colsample_bytree kept at 0.3"), std::string::npos);

  // Given parameters are neither moved nor explained.
  LearnSetup mine = fx.setup;
  mine.params.set("xgb.colsample_bytree", "0.5");
  mine.given = {"xgb.colsample_bytree", "xgb.valid_share", "xgb.class_cap", "features.max_ngrams"};
  EXPECT_TRUE(adapt_defaults(fx.sketches, mine).empty());
  EXPECT_EQ(mine.params.get("xgb.colsample_bytree"), "0.5");
}

TEST(AdaptDefaults, TheShapeCountsFilesClassesAndTheNgramsThePipelineWouldChooseFrom) {
  testing_eval::LearnFixture fx;
  const DataShape all = data_shape(fx.sketches, fx.setup);
  EXPECT_EQ(all.files, 90u);
  size_t sum = 0;
  for (size_t n : all.class_files) sum += n;
  EXPECT_EQ(sum, 90u);
  EXPECT_EQ(all.class_files.size(), 3u);
  EXPECT_GT(all.ngrams, 0);
  // Under the cap, the pipeline keeps exactly the n-grams counted.
  FeatureConfig cfg = feature_config(fx.setup.params);
  ASSERT_LT(all.ngrams, int64_t(cfg.max_ngrams));
  FeaturePipeline p(cfg);
  std::vector<uint32_t> rows(fx.sketches.size());
  for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  p.fit(fx.sketches, rows);
  const auto& names = p.column_names();
  EXPECT_EQ(all.ngrams, std::count_if(names.begin(), names.end(),
                                      [](const std::string& n) { return n.rfind("ng:", 0) == 0; }));
  // A subset of rows is counted alone.
  const std::vector<uint32_t> some(rows.begin(), rows.begin() + 30);
  EXPECT_EQ(data_shape(fx.sketches, fx.setup, some).files, 30u);
  // Without n-gram features there is nothing to count.
  LearnSetup none = fx.setup;
  none.params.set("features.ngrams", "false");
  EXPECT_EQ(data_shape(fx.sketches, none).ngrams, -1);
}

TEST(AdaptDefaults, KeptDefaultsSayWhatTheyDoToThisData) {
  LearnSetup setup;
  setup.params.set("xgb.class_cap", "100");  // not given: a default as far as the rules know
  DataShape d{1000, {950, 50}, 7000};
  const std::string text = adapted_text(adapt_defaults(d, setup));
  EXPECT_NE(text.find("xgb.valid_share kept at 0.1 (about 100 of 1000 files held out"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("xgb.class_cap kept at 100 (samples class 0: 950 files to 100, each "
                      "weighted 9.50)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("features.max_ngrams kept at 5000 (7000 n-grams of 1 to 3 calls in >= 3 "
                      "files: the 5000 most frequent)"),
            std::string::npos)
      << text;

  LearnSetup plain;
  const std::string small = adapted_text(adapt_defaults(DataShape{40, {30, 10}, 12}, plain));
  EXPECT_NE(small.find("the largest class, 0, has 30 files: none sampled"), std::string::npos)
      << small;
  EXPECT_NE(small.find("(12 n-grams of 1 to 3 calls in >= 3 files: all of them)"),
            std::string::npos)
      << small;
  // What is not known (a distributed worker's n-grams) is not said.
  LearnSetup dist;
  const auto unknown = adapt_defaults(DataShape{40, {}, -1}, dist);
  EXPECT_EQ(find(unknown, "xgb.class_cap"), nullptr);
  EXPECT_EQ(find(unknown, "features.max_ngrams"), nullptr);
  EXPECT_NE(find(unknown, "xgb.colsample_bytree"), nullptr);
}

TEST(DecideBagging, WeakModelsBagStrongOnesFitOnce) {
  EXPECT_FALSE(decide_bagging(0.12, 2).bag);  // MalbehavD-like: 0.17 of ln 2
  EXPECT_TRUE(decide_bagging(1.5, 8).bag);    // noisy 8 classes: 0.72 of ln 8
  EXPECT_FALSE(decide_bagging(0.5 * std::log(8.0), 8).bag);  // at the share: one fit
  EXPECT_TRUE(decide_bagging(0.5 * std::log(8.0) + 1e-9, 8).bag);
  EXPECT_EQ(decide_bagging(1.5, 8).why,
            "the CV's logloss 1.50000 is 0.72 of a uniform guess's 2.07944 (> 0.50)");
}

}  // namespace
}  // namespace malscope
