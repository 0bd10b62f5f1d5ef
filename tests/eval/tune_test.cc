#include "eval/tune.h"

#include <gtest/gtest.h>

#include <set>

#include "util/error.h"

namespace malscope {
namespace {

TEST(TuneSpace, ParsesAndChecksValues) {
  auto space = parse_space("xgb.max_depth=4,6;features.ngram_max=2,3,4");
  ASSERT_EQ(space.size(), 2u);
  EXPECT_EQ(space[1].values, (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_THROW(parse_space("xgb.max_depth=4,deep"), UsageError);
  EXPECT_THROW(parse_space("xgb.nope=1"), UsageError);
  EXPECT_THROW(parse_space("xgb.eta"), UsageError);
  EXPECT_THROW(parse_space("xgb.eta=0.1;xgb.eta=0.2"), UsageError);
  EXPECT_THROW(parse_space(""), UsageError);
}

TEST(TuneSpace, GridPutsFeatureDimensionsFirst) {
  auto points = space_points(parse_space("xgb.max_depth=4,6;features.ngram_max=2,3"), 0, 0);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[0][0], (std::pair<std::string, std::string>{"features.ngram_max", "2"}));
  EXPECT_EQ(points[1][0].second, "2");  // features vary slowest
  EXPECT_EQ(points[1][1].second, "6");
  EXPECT_EQ(points[2][0].second, "3");
}

TEST(TuneSpace, RandomSampleIsSeededAndDistinct) {
  auto space = parse_space("xgb.max_depth=2,3,4,5,6;xgb.eta=0.05,0.1,0.2,0.3");
  auto a = space_points(space, 6, 1);
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a, space_points(space, 6, 1));
  std::set<Assignment> distinct(a.begin(), a.end());
  EXPECT_EQ(distinct.size(), 6u);
  EXPECT_EQ(space_points(space, 100, 1).size(), 20u);
}

}  // namespace
}  // namespace malscope
