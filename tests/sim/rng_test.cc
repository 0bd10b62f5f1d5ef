#include "sim/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace malscope::sim {
namespace {

TEST(SimRng, SameKeyGivesSameSequenceOtherKeysDiffer) {
  Rng a(42), b(42), c(43);
  int same_as_other = 0;
  for (int i = 0; i < 1000; ++i) {
    uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    same_as_other += x == c.next();
  }
  EXPECT_EQ(same_as_other, 0);
  EXPECT_NE(derive_key(1, 2), derive_key(1, 3));
  EXPECT_NE(derive_key(1, 2), derive_key(2, 2));
}

// Fixed outputs: the data sets promise the same bytes for a seed, on any machine and compiler.
TEST(SimRng, SequenceIsPinned) {
  Rng r(1);
  EXPECT_EQ(r.next(), 12966619160104079557ULL);
  EXPECT_EQ(r.next(), 9600361134598540522ULL);
  EXPECT_EQ(derive_key(7, 11), 4069860812561085768ULL);
  EXPECT_EQ(Rng(derive_key(7, 11)).below(1000), 363u);
}

TEST(SimRng, BelowIsInRangeAndRoughlyUniform) {
  Rng r(5);
  std::vector<int> hist(10);
  for (int i = 0; i < 100000; ++i) {
    uint32_t v = r.below(10);
    ASSERT_LT(v, 10u);
    hist[v]++;
  }
  for (int h : hist) EXPECT_NEAR(h, 10000, 500);
  for (int i = 0; i < 1000; ++i) {
    int64_t v = r.range(-3, 3);
    EXPECT_GE(v, -3);
    EXPECT_LE(v, 3);
  }
}

TEST(SimRng, NormalHasUnitMoments) {
  Rng r(9);
  double sum = 0, sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double z = r.normal();
    sum += z;
    sq += z * z;
  }
  EXPECT_NEAR(sum / n, 0, 0.01);
  EXPECT_NEAR(sq / n, 1, 0.02);
}

TEST(SimRng, NormalQuantileMatchesKnownValues) {
  EXPECT_NEAR(normal_quantile(0.5), 0, 1e-9);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963985, 1e-6);
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306, 1e-6);
  EXPECT_NEAR(normal_quantile(0.9999), 3.719016485, 1e-6);
}

}  // namespace
}  // namespace malscope::sim
