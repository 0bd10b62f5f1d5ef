// A CV fold as a task: run alone it gives what cross_validate gives for that fold, tasks and
// results survive JSON unchanged, and results merge the same whatever order they arrive in.
#include "eval/fold_task.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "eval/cv.h"
#include "learn_fixture.h"
#include "models/bundle.h"
#include "util/error.h"

namespace malscope {
namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// The rows of a task's predictions, as cross_validate stored them out of fold.
std::vector<double> oof_rows(const CvResult& r, size_t model, uint32_t fold) {
  std::vector<double> out;
  for (size_t i = 0; i < r.rows.size(); ++i)
    if (r.fold[i] == fold)
      out.insert(out.end(), r.oof[model].row(i).begin(), r.oof[model].row(i).end());
  return out;
}

std::string message(const nlohmann::json& j, bool task) {
  try {
    if (task)
      FoldTask::from_json(j, "t.json");
    else
      FoldResult::from_json(j, "r.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

class FoldTaskTest : public ::testing::Test {
 protected:
  testing_eval::LearnFixture fx;
  CvOptions opt = [] {
    CvOptions o;
    o.folds = 3;
    return o;
  }();
};

TEST_F(FoldTaskTest, RunAloneItEqualsThatFoldInsideCrossValidate) {
  CvResult r = cross_validate(fx.sketches, fx.setup, opt);
  CvPlan plan = plan_cv(fx.sketches, fx.setup, opt, 1);
  ASSERT_EQ(plan.tasks.size(), 3u);
  EXPECT_EQ(plan.fold, r.fold);
  const FoldTask& task = plan.tasks[1];
  EXPECT_EQ(task.train_rows.size() + task.valid_rows.size(), 90u);
  FoldResult out = run_fold(fx.sketches, task);
  EXPECT_EQ(out.fold, 1u);
  ASSERT_EQ(out.predictions.size(), 2u);
  for (size_t m = 0; m < 2; ++m) {
    EXPECT_TRUE(same_bits(out.predictions[m].prob, oof_rows(r, m, 1))) << fx.setup.models[m];
    EXPECT_EQ(out.report.logloss[m], r.folds[1].logloss[m]);
    EXPECT_EQ(out.report.rounds[m], r.folds[1].rounds[m]);
  }
  EXPECT_EQ(out.report.valid_rows, r.folds[1].valid_rows);
}

TEST_F(FoldTaskTest, TaskAndResultSurviveJson) {
  CvPlan plan = plan_cv(fx.sketches, fx.setup, opt, 2);
  const FoldTask& task = plan.tasks[0];
  const nlohmann::json tj = task.to_json();
  FoldTask back = FoldTask::from_json(nlohmann::json::parse(tj.dump()), "t.json");
  EXPECT_EQ(back.to_json(), tj);
  EXPECT_EQ(back.train_rows, task.train_rows);
  EXPECT_EQ(back.valid_rows, task.valid_rows);
  EXPECT_TRUE(back.params == task.params);

  FoldResult out = run_fold(fx.sketches, back);
  const nlohmann::json rj = out.to_json();
  FoldResult again = FoldResult::from_json(nlohmann::json::parse(rj.dump()), "r.json");
  EXPECT_EQ(again.to_json(), rj);
  ASSERT_EQ(again.predictions.size(), out.predictions.size());
  for (size_t m = 0; m < out.predictions.size(); ++m)
    EXPECT_TRUE(same_bits(again.predictions[m].prob, out.predictions[m].prob));
  EXPECT_EQ(again.gain, out.gain);
  EXPECT_FALSE(again.member);
}

// As a coordinator would: tasks out as JSON, results back as JSON in any order, then merged.
TEST_F(FoldTaskTest, ResultsShippedAsJsonMergeToTheSameCv) {
  CvResult direct = cross_validate(fx.sketches, fx.setup, opt);
  CvPlan plan = plan_cv(fx.sketches, fx.setup, opt, 1);
  std::vector<FoldResult> results;
  for (auto it = plan.tasks.rbegin(); it != plan.tasks.rend(); ++it) {
    FoldTask t = FoldTask::from_json(nlohmann::json::parse(it->to_json().dump()), "task");
    results.push_back(FoldResult::from_json(
        nlohmann::json::parse(run_fold(fx.sketches, t).to_json().dump()), "result"));
  }
  CvResult merged = merge_cv(std::move(plan), std::move(results), fx.setup);
  for (size_t m = 0; m < 2; ++m) EXPECT_TRUE(same_bits(merged.oof[m].prob, direct.oof[m].prob));
  EXPECT_EQ(merged.weights, direct.weights);
  EXPECT_EQ(merged.metrics.logloss, direct.metrics.logloss);
  EXPECT_EQ(merged.importance, direct.importance);
}

TEST_F(FoldTaskTest, SplitByModelAndJoinedIsTheWholeFold) {
  CvPlan plan = plan_cv(fx.sketches, fx.setup, opt, 1);
  const FoldTask& task = plan.tasks[2];
  FoldResult whole = run_fold(fx.sketches, task);
  std::vector<FoldTask> split = split_by_model(task);
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0].models, std::vector<std::string>{"xgb"});
  EXPECT_EQ(split[1].models, std::vector<std::string>{"linear"});
  std::vector<FoldResult> parts;
  for (const FoldTask& t : split) parts.push_back(run_fold(fx.sketches, t));
  FoldResult other_fold = run_fold(fx.sketches, split_by_model(plan.tasks[0])[1]);
  FoldResult joined = join_fold_parts(std::move(parts));
  ASSERT_EQ(joined.predictions.size(), 2u);
  for (size_t m = 0; m < 2; ++m)
    EXPECT_TRUE(same_bits(joined.predictions[m].prob, whole.predictions[m].prob)) << m;
  EXPECT_EQ(joined.report.logloss, whole.report.logloss);
  EXPECT_EQ(joined.report.rounds, whole.report.rounds);
  EXPECT_EQ(joined.gain, whole.gain);
  EXPECT_EQ(joined.fold, 2u);

  // Kept members join into the whole fold's one: the same pipeline, the same models.
  FoldTask keep = task;
  keep.keep_member = true;
  std::vector<FoldResult> kept_parts;
  for (const FoldTask& t : split_by_model(keep)) kept_parts.push_back(run_fold(fx.sketches, t));
  ASSERT_EQ(kept_parts.size(), 2u);
  FoldResult kept_whole = run_fold(fx.sketches, keep);
  FoldResult kept_joined = join_fold_parts(std::move(kept_parts));
  ASSERT_TRUE(kept_joined.member && kept_whole.member);
  auto bytes = [&](FoldResult& r) {
    Bundle b;
    b.classes = plan.classes;
    b.model_names = task.models;
    b.weights = {0.5, 0.5};
    b.members.push_back(std::move(*r.member));
    return save_bundle(b);
  };
  EXPECT_EQ(bytes(kept_joined), bytes(kept_whole));
  std::vector<FoldResult> half;  // one part kept its member, the other did not
  half.push_back(run_fold(fx.sketches, split_by_model(keep)[0]));
  half.push_back(run_fold(fx.sketches, split[1]));
  try {
    join_fold_parts(std::move(half));
    ADD_FAILURE() << "joined a kept member with a part without one";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "join_fold_parts: part 1 of fold 2 did not keep its member, part 0 did");
  }
  std::vector<FoldResult> mixed;
  mixed.push_back(run_fold(fx.sketches, split[0]));
  mixed.push_back(std::move(other_fold));
  try {
    join_fold_parts(std::move(mixed));
    ADD_FAILURE() << "joined parts of two folds";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "join_fold_parts: part 1 is of fold 0, not fold 2");
  }
}

TEST_F(FoldTaskTest, MergeNeedsOneResultPerFold) {
  CvPlan plan = plan_cv(fx.sketches, fx.setup, opt, 1);
  std::vector<FoldResult> results;
  results.push_back(run_fold(fx.sketches, plan.tasks[0]));
  results.push_back(run_fold(fx.sketches, plan.tasks[0]));
  EXPECT_THROW(merge_cv(plan, {}, fx.setup), Error);
  results.push_back(run_fold(fx.sketches, plan.tasks[2]));
  try {
    merge_cv(plan, std::move(results), fx.setup);
    ADD_FAILURE() << "merged a CV without fold 1";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "no result for fold 1");
  }
}

TEST_F(FoldTaskTest, BadTasksAndResultsNameTheFileAndPath) {
  CvPlan plan = plan_cv(fx.sketches, fx.setup, opt, 1);
  nlohmann::json t = plan.tasks[0].to_json();
  t.erase("valid_rows");
  EXPECT_EQ(message(t, true),
            "fold task 't.json': valid_rows is missing (expected the JSON of a fold task)");
  t = plan.tasks[0].to_json();
  t["params"]["xgb.nope"] = 1;
  EXPECT_NE(message(t, true).find("fold task 't.json': params: unknown parameter 'xgb.nope'"),
            std::string::npos)
      << message(t, true);
  t = plan.tasks[0].to_json();
  t["train_rows"][0] = 5000;
  FoldTask outside = FoldTask::from_json(t, "t.json");
  EXPECT_THROW(run_fold(fx.sketches, outside), Error);

  nlohmann::json r = run_fold(fx.sketches, plan.tasks[0]).to_json();
  r["predictions"][1]["prob"].erase(0);
  EXPECT_NE(message(r, false).find("fold result 'r.json': predictions[1].prob has"),
            std::string::npos)
      << message(r, false);
  r = run_fold(fx.sketches, plan.tasks[0]).to_json();
  r["report"].erase("rounds");
  EXPECT_NE(message(r, false).find("report.rounds is missing"), std::string::npos);
}

}  // namespace
}  // namespace malscope
