#include "eval/adaptive.h"

#include <gtest/gtest.h>

#include <string>

#include "learn_fixture.h"

namespace malscope {
namespace {

TEST(AdaptDefaults, SmallDataGetsTheSmallDataValuesAndGivenParametersStay) {
  testing_eval::LearnFixture fx;
  LearnSetup setup = fx.setup;
  auto d = adapt_defaults(fx.sketches, setup);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].param, "xgb.colsample_bytree");
  EXPECT_TRUE(d[0].changed);
  EXPECT_EQ(setup.params.get("xgb.colsample_bytree"), "0.3");
  const std::string text = adapted_text(d);
  EXPECT_NE(text.find("xgb.colsample_bytree = 0.3 (90 files <= 20000"), std::string::npos) << text;
  EXPECT_EQ(adapted_json(d)[0]["value"], "0.3");
  // Adapting twice changes nothing more.
  auto again = adapt_defaults(fx.sketches, setup);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].changed);
  EXPECT_NE(adapted_text(again).find("kept at 0.3"), std::string::npos);

  LearnSetup mine = fx.setup;
  mine.params.set("xgb.colsample_bytree", "0.5");
  mine.given = {"xgb.colsample_bytree"};
  EXPECT_TRUE(adapt_defaults(fx.sketches, mine).empty());
  EXPECT_EQ(mine.params.get("xgb.colsample_bytree"), "0.5");
}

}  // namespace
}  // namespace malscope
