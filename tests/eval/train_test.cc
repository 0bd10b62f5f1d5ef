// Where a bundle's blend weights come from: given, a CV results file, a single model, or CV run
// for them (and bagging); with today's messages for what does not fit.
#include "eval/train.h"
#include "eval/adaptive.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "learn_fixture.h"
#include "test_util.h"
#include "util/error.h"

namespace malscope {
namespace {

std::string usage_message(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UsageError& e) {
    return e.what();
  } catch (const Error& e) {
    return std::string("Error, not UsageError: ") + e.what();
  }
  return "no error";
}

std::string error_message(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const UsageError& e) {
    return std::string("UsageError: ") + e.what();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(NormalizedWeights, ScaleToOneAndRefuseWhatDoesNotFit) {
  EXPECT_EQ(normalized_weights({2, 6}, 2), (std::vector<double>{0.25, 0.75}));
  EXPECT_EQ(usage_message([] { normalized_weights({1}, 2); }),
            "--weights gives 1 weights for 2 models");
  EXPECT_EQ(usage_message([] {
              normalized_weights({1, -1}, 2);
            }),
            "--weights must not be negative");
  EXPECT_EQ(usage_message([] { normalized_weights({0, 0}, 2); }), "--weights sum to 0");
  // NaN passes "< 0" and "<= 0": without its own check the blend predicted 1/K everywhere.
  EXPECT_EQ(usage_message([] {
              normalized_weights({std::nan(""), 1}, 2);
            }),
            "--weights must be finite numbers, not nan");
  EXPECT_EQ(usage_message([] {
              normalized_weights({1, HUGE_VAL}, 2);
            }),
            "--weights must be finite numbers, not inf");
}

class ChooseWeights : public ::testing::Test {
 protected:
  WeightChoice choose(const WeightSource& from) {
    return choose_weights(fx.sketches, fx.setup, from, [&](const std::string& l) { log += l; });
  }
  WeightSource source() {
    WeightSource w;
    w.cv.folds = 3;
    return w;
  }
  std::string write_cv(const CvSummary& c) {
    const std::string path = dir.file("cv.json");
    testing_util::write_text(path, c.to_json().dump(2));
    return path;
  }
  CvSummary summary(std::vector<std::string> models, std::vector<double> weights) {
    CvSummary c;
    c.store = "t.store";
    c.models = std::move(models);
    c.weights = std::move(weights);
    return c;
  }
  testing_eval::LearnFixture fx;
  testing_util::TempDir dir;
  std::string log;
};

TEST_F(ChooseWeights, GivenWeightsAreNormalisedAndNoCvRuns) {
  WeightSource from = source();
  from.weights = {3, 1};
  WeightChoice c = choose(from);
  EXPECT_EQ(c.weights, (std::vector<double>{0.75, 0.25}));
  EXPECT_FALSE(c.cv);
  from.weights = {1, 2, 3};
  EXPECT_EQ(usage_message([&] { choose(from); }), "--weights gives 3 weights for 2 models");
}

TEST_F(ChooseWeights, ASingleModelWeighsOne) {
  fx.setup.models = {"linear"};
  WeightSource from = source();
  from.bag = false;
  WeightChoice c = choose(from);
  EXPECT_EQ(c.weights, (std::vector<double>{1.0}));
  EXPECT_FALSE(c.cv);
  EXPECT_EQ(c.combine.kind, "blend");
}

TEST_F(ChooseWeights, TheCvLoglossDecidesBaggingByDefaultAndSaysWhy) {
  WeightChoice dflt = choose(source());
  ASSERT_TRUE(dflt.cv);
  const BagDecision d = decide_bagging(dflt.cv->metrics.logloss, dflt.cv->classes);
  EXPECT_EQ(dflt.bag, d.bag);
  EXPECT_EQ(dflt.bag_why, d.why);
  EXPECT_NE(log.find(d.bag ? "averaging the 3 fold models (bagging: " + d.why
                           : "fitting once on all 90 files (" + d.why),
            std::string::npos)
      << log;
  EXPECT_EQ(dflt.cv->members.size(), d.bag ? 3u : 0u);  // kept only for the bag
  EXPECT_EQ(make_bundle(fx.sketches, fx.setup, dflt, "t.store").members.size(), d.bag ? 3u : 1u);
}

TEST_F(ChooseWeights, NoBagFitsOnceAndBaggingKeepsTheCombination) {
  WeightSource no = source();
  no.bag = false;
  WeightChoice one = choose(no);
  EXPECT_FALSE(one.bag);
  EXPECT_TRUE(one.bag_why.empty());
  EXPECT_EQ(log.find("averaging the"), std::string::npos) << log;
  EXPECT_NE(log.find("combine: "), std::string::npos) << log;
  Bundle single = make_bundle(fx.sketches, fx.setup, one, "t.store");
  EXPECT_EQ(single.members.size(), 1u);
  EXPECT_EQ(single.temperature, one.combine.temperature);
  EXPECT_EQ(single.info["combine"]["kind"], one.combine.kind);

  WeightSource from = source();
  from.bag = true;
  WeightChoice c = choose(from);
  EXPECT_TRUE(c.bag);
  ASSERT_TRUE(c.cv);
  EXPECT_EQ(c.cv->members.size(), 3u);
  Bundle b = make_bundle(fx.sketches, fx.setup, c, "t.store");
  EXPECT_EQ(b.members.size(), 3u);
  EXPECT_EQ(b.temperature, c.combine.temperature);
  EXPECT_EQ(b.stack.coef, c.combine.stack.coef);
  EXPECT_EQ(b.info["combine"]["kind"], c.combine.kind);
}

TEST_F(ChooseWeights, FromACvResultsFile) {
  WeightSource from = source();
  from.cv_path = write_cv(summary({"xgb", "linear"}, {0.7, 0.3}));
  WeightChoice c = choose(from);
  EXPECT_DOUBLE_EQ(c.weights[0], 0.7);
  EXPECT_DOUBLE_EQ(c.weights[1], 0.3);
  EXPECT_FALSE(c.cv);

  const std::string p = from.cv_path;
  from.cv_path = write_cv(summary({"xgb", "linear"}, {}));
  EXPECT_EQ(error_message([&] { choose(from); }),
            "'" + p + "' has no \"blend\" weights (write it with `malscope cv --json-out`)");
  from.cv_path = write_cv(summary({"xgb"}, {1}));
  EXPECT_EQ(error_message([&] { choose(from); }),
            "'" + p + "' has no blend weight for model 'linear' (it blends {\"xgb\":1.0})");
  from.cv_path = write_cv(summary({"xgb", "linear", "other"}, {0.5, 0.25, 0.25}));
  EXPECT_EQ(error_message([&] { choose(from); }),
            "'" + p +
                "' blends other models ({\"linear\":0.25,\"other\":0.25,\"xgb\":0.5}) than "
                "--models");
  from.cv_path = write_cv(summary({"xgb", "linear"}, {0.7, 0.7}));
  EXPECT_EQ(error_message([&] { choose(from); }), "'" + p + "': blend weights sum to 1.4");
}

TEST_F(ChooseWeights, SeveralModelsRunCvForThem) {
  WeightSource from = source();
  from.bag = false;
  WeightChoice c = choose(from);
  ASSERT_TRUE(c.cv);
  EXPECT_EQ(c.weights, normalized_weights(c.cv->weights, 2));
  EXPECT_EQ(c.cv->folds.size(), 3u);
  EXPECT_TRUE(c.cv->members.empty());
  EXPECT_NE(log.find("blend weights from 3-fold CV: "), std::string::npos) << log;
}

TEST(RoundsFromCv, TheFoldsRoundsScaledToAllFiles) {
  LearnSetup setup;
  setup.models = {"linear", "xgb"};
  CvResult cv;
  cv.rows.resize(1000);
  for (int r : {30, 40}) {
    FoldReport f;
    f.train_rows = 800;
    f.rounds = {0, r};
    cv.folds.push_back(f);
  }
  // Each fold fitted 720 files (a tenth held out to stop boosting); the final fit has 1000.
  auto r = rounds_from_cv(cv.folds, setup, 1000);
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->fold_rounds, 35);
  EXPECT_DOUBLE_EQ(r->row_ratio, 1000.0 / 720);
  EXPECT_EQ(r->rounds, int(std::ceil(35 * 1000.0 / 720)));
  EXPECT_EQ(rounds_from_cv(cv.folds, setup, 100000)->rounds, 70);  // at most twice the folds'
  EXPECT_EQ(rounds_from_cv(cv.folds, setup, 10)->rounds, 35);      // never fewer
  setup.params.set("xgb.rounds", "50");
  EXPECT_EQ(rounds_from_cv(cv.folds, setup, 1000)->rounds, 49);
  setup.params.set("xgb.rounds", "45");
  EXPECT_EQ(rounds_from_cv(cv.folds, setup, 1000)->rounds, 45);  // nor more than xgb.rounds

  setup.params.set("xgb.early_stop", "0");  // the folds boosted every round: nothing to learn
  EXPECT_FALSE(rounds_from_cv(cv.folds, setup, 1000));
  setup.params = Params();
  setup.models = {"linear"};
  EXPECT_FALSE(rounds_from_cv(cv.folds, setup, 1000));
}

TEST_F(ChooseWeights, TheFinalXgbFitBoostsTheFoldsRoundsWithoutAHoldout) {
  WeightSource from = source();
  from.bag = false;
  WeightChoice c = choose(from);
  ASSERT_TRUE(c.cv);
  auto want = rounds_from_cv(c.cv->folds, fx.setup, 90);
  ASSERT_TRUE(want);
  std::string fit_log;
  Bundle b = make_bundle(fx.sketches, fx.setup, c, "t.store",
                         [&](const std::string& s) { fit_log += s + "\n"; });
  EXPECT_EQ(b.info["final_rounds"]["xgb"], want->rounds);
  EXPECT_EQ(b.info["rounds"]["xgb"], want->rounds);  // all of them kept: no early stop
  EXPECT_EQ(b.info["params"]["xgb.early_stop"], 0);
  EXPECT_NE(fit_log.find(fmt::format("xgb: the final fit boosts {} rounds on all 90 files, no "
                                     "holdout",
                                     want->rounds)),
            std::string::npos)
      << fit_log;
}

// `cv --json-out` then `train --cv`: the final fit boosts the rounds the file's folds found, as
// when train runs the CV itself.
TEST_F(ChooseWeights, FromACvFileTheFinalXgbFitBoostsItsFoldsRounds) {
  WeightSource from = source();
  from.bag = false;
  WeightChoice ran = choose(from);
  ASSERT_TRUE(ran.cv);
  auto want = rounds_from_cv(ran.cv->folds, fx.setup, 90);
  ASSERT_TRUE(want);
  WeightSource file = source();
  file.cv_path = write_cv(summarize(*ran.cv, fx.setup, "t.store", ""));
  WeightChoice c = choose(file);
  EXPECT_FALSE(c.cv);
  ASSERT_EQ(c.cv_file_folds.size(), 3u);
  Bundle b = make_bundle(fx.sketches, fx.setup, c, "t.store");
  EXPECT_EQ(b.info["final_rounds"]["xgb"], want->rounds);
  EXPECT_EQ(b.info["params"]["xgb.early_stop"], 0);
  // A file without fold reports (written by another tool, or before they existed): the final
  // fit stops early on its own holdout.
  file.cv_path = write_cv(summary({"xgb", "linear"}, {0.5, 0.5}));
  WeightChoice old = choose(file);
  Bundle e = make_bundle(fx.sketches, fx.setup, old, "t.store");
  EXPECT_FALSE(e.info.contains("final_rounds"));
  EXPECT_EQ(e.info["params"]["xgb.early_stop"], fx.setup.params.xgb().early_stop);
}

TEST_F(ChooseWeights, BaggingKeepsTheFoldMembersAndGivenWeightsWin) {
  WeightSource from = source();
  from.bag = true;
  from.weights = {1, 1};
  WeightChoice c = choose(from);
  ASSERT_TRUE(c.cv);
  EXPECT_EQ(c.cv->members.size(), 3u);
  EXPECT_EQ(c.weights, (std::vector<double>{0.5, 0.5}));
  EXPECT_EQ(c.cv->weights, c.weights);  // what bagged_bundle blends with
  from.cv_path = "cv.json";
  EXPECT_NE(usage_message([&] { choose(from); }).find("takes no CV file"), std::string::npos);
}

}  // namespace
}  // namespace malscope
