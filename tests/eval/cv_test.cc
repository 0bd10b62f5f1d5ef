#include "eval/cv.h"

#include <gtest/gtest.h>

namespace malscope {
namespace {

TEST(TimeLeft, SecondsThenMinutes) {
  EXPECT_EQ(time_left(0), "");
  EXPECT_EQ(time_left(-3), "");
  EXPECT_EQ(time_left(12.4), "; about 12s left");
  EXPECT_EQ(time_left(59.6), "; about 1m00s left");
  EXPECT_EQ(time_left(425), "; about 7m05s left");
}

}  // namespace
}  // namespace malscope
