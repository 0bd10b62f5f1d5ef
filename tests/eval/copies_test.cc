// Exact copies of a trace (repeated runs): their keys, the copy groups CV keeps in one fold, and
// the early-stopping holdouts that hold copies out or keep them together.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "eval/cv.h"
#include "eval/folds.h"
#include "learn_fixture.h"

namespace malscope {
namespace {

TEST(CopyGroups, EqualKeysShareAGroupAndNoRepeatMeansNone) {
  const std::vector<uint64_t> keys = {7, 3, 7, 9, 3, 7};
  CopyGroups g = copy_groups(keys);
  EXPECT_EQ(g.group, (std::vector<uint32_t>{0, 1, 0, 3, 1, 0}));
  EXPECT_EQ(g.sets, 2u);
  EXPECT_EQ(g.files, 5u);
  EXPECT_EQ(copy_groups_text(g), "folds: 2 sets of identical traces (5 files) each kept in one fold");
  CopyGroups none = copy_groups(std::vector<uint64_t>{1, 2, 3});
  EXPECT_TRUE(none.group.empty());
  EXPECT_EQ(none.sets, 0u);
  EXPECT_EQ(copy_groups_text(none), "");
}

TEST(CopyHoldout, CopiesAreHeldOutOrKeptTogetherAndUniqueKeysChangeNothing) {
  std::vector<int32_t> y;
  std::vector<uint64_t> keys;
  for (uint32_t i = 0; i < 600; ++i) {
    y.push_back(i / 3 % 4 == 0 ? 1 : 0);  // sets of 3 rows, one label each
    keys.push_back(1000 + i / 3);
  }
  auto [kept, held] = stratified_holdout(y, 0.2, 5, keys);
  EXPECT_EQ(kept.size() + held.size(), y.size());
  std::set<uint32_t> held_set(held.begin(), held.end());
  for (uint32_t i = 0; i < y.size(); i += 3) {
    EXPECT_EQ(held_set.count(i), held_set.count(i + 1)) << i;
    EXPECT_EQ(held_set.count(i), held_set.count(i + 2)) << i;
  }
  int ones = 0;
  for (uint32_t r : held) ones += y[r];
  EXPECT_NEAR(double(held.size()), 120, 3);  // 20%, in whole sets of 3
  EXPECT_NEAR(double(ones), 30, 3);          // stratified: a quarter of the sets are class 1
  EXPECT_TRUE(std::is_sorted(held.begin(), held.end()));
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end()));

  std::vector<uint64_t> unique(y.size());
  for (size_t i = 0; i < unique.size(); ++i) unique[i] = 50 + i;
  EXPECT_EQ(stratified_holdout(y, 0.2, 5, unique), stratified_holdout(y, 0.2, 5));
  EXPECT_THROW(stratified_holdout(y, 0.2, 5, std::vector<uint64_t>{1, 2}), Error);
}

class Copies : public ::testing::Test {
 protected:
  // 60 files, the first 12 copied twice: 12 sets of 3 identical traces.
  testing_features::TempStore store{testing_learn::with_copies(testing_learn::tianchi_csv(60, 1, true, nullptr),
                                                12, 2)};
  LearnSetup setup = testing_eval::fast_setup();
  Sketches s = Sketches::extract(store.store(), feature_config(setup.params), 2);

  // Per original file id, the store rows of it and its copies.
  std::map<std::string, std::vector<uint32_t>> sets() const {
    std::map<std::string, std::vector<uint32_t>> out;
    for (uint32_t r = 0; r < s.size(); ++r) {
      std::string id = s.file_id(r);
      if (id.size() > 5 && id[0] == '9') id = id.substr(2);
      out[id].push_back(r);
    }
    std::erase_if(out, [](const auto& kv) { return kv.second.size() < 2; });
    return out;
  }
};

TEST_F(Copies, SketchKeysMatchForCopiesWhateverTheirThreadIdsAndReturnValues) {
  ASSERT_EQ(s.size(), 84u);
  auto by_id = sets();
  ASSERT_EQ(by_id.size(), 12u);
  std::set<uint64_t> distinct;
  for (const auto& [id, rows] : by_id) {
    ASSERT_EQ(rows.size(), 3u) << id;
    for (uint32_t r : rows) EXPECT_EQ(s.key(r), s.key(rows[0])) << id;
    distinct.insert(s.key(rows[0]));
  }
  EXPECT_EQ(distinct.size(), 12u);  // distinct traces, distinct keys
  // The same key as the audit's (trace_key of the store's trace).
  EXPECT_EQ(copy_groups(store.store(), 2).sets, 12u);
}

TEST_F(Copies, CvKeepsEachSetOfCopiesInOneFoldUnlessToldNot) {
  CvOptions opt;
  opt.folds = 4;
  std::vector<std::string> lines;
  CvResult r = cross_validate(s, setup, opt, [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(r.copies.sets, 12u);
  EXPECT_EQ(r.copies.files, 36u);
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "folds: 12 sets of identical traces (36 files) each kept in one fold"),
            lines.end());
  auto fold_of = [](const CvResult& cv, uint32_t row) {
    return cv.fold[std::find(cv.rows.begin(), cv.rows.end(), row) - cv.rows.begin()];
  };
  for (const auto& [id, rows] : sets())
    for (uint32_t row : rows) EXPECT_EQ(fold_of(r, row), fold_of(r, rows[0])) << id;
  EXPECT_EQ(summarize(r, setup, "s", "").to_json()["copy_groups"]["sets"], 12);

  opt.group_copies = false;
  CvResult split = cross_validate(s, setup, opt);
  EXPECT_EQ(split.copies.sets, 0u);
  EXPECT_FALSE(summarize(split, setup, "s", "").to_json().contains("copy_groups"));
  int split_sets = 0;
  for (const auto& [id, rows] : sets())
    split_sets += fold_of(split, rows[1]) != fold_of(split, rows[0]) ||
                  fold_of(split, rows[2]) != fold_of(split, rows[0]);
  EXPECT_GT(split_sets, 0);  // a random split scores files by models trained on their copies
}

}  // namespace
}  // namespace malscope
