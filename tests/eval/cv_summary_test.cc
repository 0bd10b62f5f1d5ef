// The CV results type: the contract read (as the report reads it), what cv writes read back to
// the same JSON, and errors that name the file and the JSON path.
#include "eval/cv_summary.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cv_results_fixture.h"
#include "eval/cv.h"
#include "learn_fixture.h"
#include "util/error.h"

namespace malscope {
namespace {

using testing_eval::kCvJson;

std::string message(const std::string& text, const std::string& source = "x.json") {
  try {
    CvSummary::parse(text, source);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

TEST(CvSummary, ParsesTheContract) {
  CvSummary c = CvSummary::parse(kCvJson, "cv.json");
  EXPECT_EQ(c.metrics.classes, 3);
  EXPECT_EQ(c.folds, 5);
  EXPECT_DOUBLE_EQ(c.metrics.tianchi_logloss, 0.52);
  ASSERT_EQ(c.metrics.per_class.size(), 3u);
  EXPECT_DOUBLE_EQ(c.metrics.per_class[1].recall, 0.85);
  ASSERT_EQ(c.metrics.pairs.size(), 2u);
  EXPECT_EQ(c.metrics.pairs[1].label, 2);
  EXPECT_EQ(c.metrics.confusion[1][0], 2u);
  EXPECT_EQ(c.importance[0].first, "api:CryptEncrypt");
  // Beyond the contract: absent here.
  EXPECT_TRUE(c.weights.empty());
  EXPECT_TRUE(c.model_metrics.empty());
  EXPECT_TRUE(c.params.is_null());
  EXPECT_FALSE(c.seconds);
}

TEST(CvSummary, UndefinedMetricsAreNaN) {
  CvSummary c =
      CvSummary::parse(replaced(kCvJson, "\"precision\": 0.8", "\"precision\": null"), "cv.json");
  EXPECT_TRUE(std::isnan(c.metrics.per_class[1].precision));
}

TEST(CvSummary, NamesWhatIsWrong) {
  EXPECT_NE(message("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message(replaced(kCvJson, "\"folds\": 5", "\"folds\": \"5\""))
                .find("folds has the wrong type"),
            std::string::npos);
  EXPECT_NE(message(replaced(kCvJson, "[0, 2, 18]", "[0, 2]")).find("confusion must be square"),
            std::string::npos);
}

TEST(CvSummary, ErrorsNameTheFileAndTheJsonPath) {
  EXPECT_EQ(message(replaced(kCvJson, "\"macro_f1\"", "\"macro_fx\""), "cv.json"),
            "CV results 'cv.json': metrics.macro_f1 is missing (expected the JSON `malscope cv "
            "--json-out` writes)");
  EXPECT_NE(message(replaced(kCvJson, "\"f1\": 0.82", "\"f2\": 0.82"))
                .find("per_class[1].f1 is "
                      "missing"),
            std::string::npos);
  EXPECT_NE(message(replaced(kCvJson, "\"name\": \"threads\"", "\"name\": 3"))
                .find("feature_importance[1].name has the wrong type (number)"),
            std::string::npos);
  const std::string blend =
      replaced(kCvJson, "\"oof_path\"", "\"blend\": {\"xgb\": 1}, \"oof_path\"");
  EXPECT_NE(message(blend).find("blend.xgboost is missing"), std::string::npos);
  EXPECT_NE(message(replaced(kCvJson, "\"oof_path\"", "\"model_metrics\": [], \"oof_path\""))
                .find("model_metrics must be an object"),
            std::string::npos);
}

TEST(CvSummary, ContractRoundTrip) {
  const nlohmann::json j = CvSummary::parse(kCvJson, "cv.json").to_json();
  EXPECT_EQ(j, nlohmann::json::parse(kCvJson));  // nothing added, nothing lost
  EXPECT_EQ(CvSummary::from_json(j, "j").to_json(), j);
}

// What `cv --json-out` writes: every key of the contract and its extensions, read back to the
// same JSON.
TEST(CvSummary, WhatCvWritesRoundTrips) {
  testing_eval::LearnFixture fx;
  CvOptions opt;
  opt.folds = 3;
  CvResult r = cross_validate(fx.sketches, fx.setup, opt);
  const nlohmann::json j = summarize(r, fx.setup, "t.store", "oof.csv").to_json();
  for (const char* key :
       {"dataset", "folds", "seed", "models", "metrics", "per_class", "pairs", "confusion",
        "feature_importance", "oof_path", "blend", "model_metrics", "params", "combine", "seconds",
        "fold_reports"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j.size(), 16u);
  ASSERT_EQ(j["fold_reports"].size(), 3u);
  EXPECT_EQ(j["fold_reports"][0]["rounds"][0], r.folds[0].rounds[0]);
  EXPECT_EQ(j["fold_reports"][2]["train_rows"], r.folds[2].train_rows);
  EXPECT_EQ(j["folds"], 3);
  EXPECT_EQ(j["dataset"]["files"], 90);
  EXPECT_EQ(j["blend"]["xgb"], r.weights[0]);
  EXPECT_EQ(j["model_metrics"]["linear"]["logloss"], r.model_metrics[1].logloss);
  EXPECT_EQ(j["metrics"]["logloss"], r.metrics.logloss);
  CvSummary back = CvSummary::parse(j.dump(2), "cv.json");
  EXPECT_EQ(back.weights, r.weights);
  ASSERT_EQ(back.fold_reports.size(), 3u);
  EXPECT_EQ(back.fold_reports[1].rounds, r.folds[1].rounds);
  EXPECT_EQ(back.fold_reports[1].train_rows, r.folds[1].train_rows);
  nlohmann::json bad = j;
  bad["fold_reports"][1]["rounds"] = {40};
  EXPECT_EQ(message(bad.dump(), "cv.json"),
            "CV results 'cv.json': fold_reports[1].logloss and fold_reports[1].rounds must have "
            "one entry per model (2) (expected the JSON `malscope cv --json-out` writes)");
  bad = j;
  bad["fold_reports"].erase(0);
  EXPECT_NE(message(bad.dump(), "cv.json").find("fold_reports has 2 folds, folds says 3"),
            std::string::npos);
  EXPECT_EQ(back.to_json(), j);
  EXPECT_EQ(back.to_json().dump(2), j.dump(2));
}

}  // namespace
}  // namespace malscope
