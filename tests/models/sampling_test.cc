#include "models/sampling.h"

#include <gtest/gtest.h>

#include "models/model.h"
#include "models/toy_data.h"

namespace malscope {
namespace {

TEST(ClassCap, KeepsSmallClassesAndReweightsBigOnes) {
  std::vector<int32_t> y(100, 0);
  for (int i = 0; i < 10; ++i) y[i * 10] = 1;  // 90 of class 0, 10 of class 1
  ClassSample s = cap_per_class(y, 3, 30, 7);
  ASSERT_TRUE(s.capped);
  int zeros = 0, ones = 0;
  for (uint32_t r : s.rows) (y[r] == 0 ? zeros : ones)++;
  EXPECT_EQ(zeros, 30);
  EXPECT_EQ(ones, 10);
  EXPECT_FLOAT_EQ(s.factor[0], 3.0f);
  EXPECT_FLOAT_EQ(s.factor[1], 1.0f);
  EXPECT_TRUE(std::is_sorted(s.rows.begin(), s.rows.end()));
  EXPECT_EQ(s.rows, cap_per_class(y, 3, 30, 7).rows);
  EXPECT_NE(s.rows, cap_per_class(y, 3, 30, 8).rows);
  EXPECT_FALSE(cap_per_class(y, 3, 0, 7).capped);
  EXPECT_FALSE(cap_per_class(y, 3, 90, 7).capped);
}

TEST(SelectRows, CopiesRowsInOrder) {
  auto x = testing_toy::separable(10, 2, 1);
  std::vector<uint32_t> rows = {7, 2};
  FeatureMatrix s = select_rows(x, rows);
  ASSERT_EQ(s.rows(), 2u);
  EXPECT_EQ(s.cols(), x.cols());
  EXPECT_EQ(s.labels, (std::vector<int32_t>{x.labels[7], x.labels[2]}));
  EXPECT_EQ(s.values[0], x.values[x.indptr[7]]);
  EXPECT_EQ(s.files, (std::vector<uint32_t>{7, 2}));
}

}  // namespace
}  // namespace malscope
