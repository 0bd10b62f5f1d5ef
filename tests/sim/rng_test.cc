// The simulator's distribution beyond its generator (the generator: tests/util/random_test.cc).
#include "sim/rng.h"

#include <gtest/gtest.h>

namespace malscope::sim {
namespace {

TEST(SimRng, IsTheXoshiroOfUtil) {
  Rng r(1);
  EXPECT_EQ(r.next(), Xoshiro256(1).next());
}

TEST(SimRng, NormalQuantileMatchesKnownValues) {
  EXPECT_NEAR(normal_quantile(0.5), 0, 1e-9);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963985, 1e-6);
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306, 1e-6);
  EXPECT_NEAR(normal_quantile(0.9999), 3.719016485, 1e-6);
}

}  // namespace
}  // namespace malscope::sim
