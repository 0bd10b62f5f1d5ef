#include "eval/folds.h"

#include <gtest/gtest.h>
#include <functional>
#include <map>
#include <set>

#include "util/error.h"

namespace malscope {
namespace {

std::vector<int32_t> imbalanced(size_t n) {
  std::vector<int32_t> y(n, 0);
  for (size_t i = 0; i < n; i += 10) y[i] = 1;  // 10%
  for (size_t i = 3; i < n; i += 50) y[i] = 2;  // 2%
  return y;
}

TEST(Folds, EveryClassInEveryFold) {
  auto y = imbalanced(500);
  auto f = assign_folds(y, 5, 7);
  std::map<std::pair<uint32_t, int32_t>, int> count;
  std::vector<int> size(5, 0);
  for (size_t i = 0; i < y.size(); ++i) {
    ASSERT_LT(f[i], 5u);
    ++count[{f[i], y[i]}];
    ++size[f[i]];
  }
  for (uint32_t k = 0; k < 5; ++k) {
    EXPECT_EQ(count[std::make_pair(k, int32_t(1))], 10);
    EXPECT_EQ(count[std::make_pair(k, int32_t(2))], 2);
    EXPECT_EQ(size[k], 100);
  }
}

TEST(Folds, SeededAndDeterministic) {
  auto y = imbalanced(300);
  EXPECT_EQ(assign_folds(y, 4, 1), assign_folds(y, 4, 1));
  EXPECT_NE(assign_folds(y, 4, 1), assign_folds(y, 4, 2));
}

TEST(Folds, GroupsNeverSplit) {
  auto y = imbalanced(400);
  std::vector<uint32_t> g(y.size());
  for (size_t i = 0; i < y.size(); ++i) g[i] = uint32_t(i / 4);  // runs of 4 rows
  for (size_t i = 0; i < y.size(); ++i) y[i] = y[i - i % 4];     // one label per group
  auto f = assign_folds(y, 5, 3, g);
  std::map<uint32_t, std::set<uint32_t>> folds_of;
  std::map<std::pair<uint32_t, int32_t>, int> count;
  for (size_t i = 0; i < y.size(); ++i) {
    folds_of[g[i]].insert(f[i]);
    ++count[{f[i], y[i]}];
  }
  for (auto& [group, fs] : folds_of) EXPECT_EQ(fs.size(), 1u) << "group " << group;
  for (uint32_t k = 0; k < 5; ++k) {
    EXPECT_GT(count[std::make_pair(k, int32_t(0))], 0);
    EXPECT_GT(count[std::make_pair(k, int32_t(1))], 0);
  }
  EXPECT_EQ(f, assign_folds(y, 5, 3, g));
}

// Too few files or groups is a data error (exit 1); fewer than 2 folds is a usage error (exit 2).
bool usage_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError&) {
    return true;
  } catch (const Error&) {
    return false;
  }
  ADD_FAILURE() << "no error";
  return false;
}

TEST(Folds, RejectsTooFewRows) {
  std::vector<int32_t> y = {0, 1};
  EXPECT_FALSE(usage_error([&] { assign_folds(y, 3, 0); }));
  EXPECT_TRUE(usage_error([&] { assign_folds(y, 1, 0); }));
  std::vector<uint32_t> one_group = {5, 5};
  EXPECT_FALSE(usage_error([&] { assign_folds(y, 2, 0, one_group); }));
}

TEST(Folds, HoldoutIsStratified) {
  auto y = imbalanced(1000);
  auto [kept, held] = stratified_holdout(y, 0.1, 9);
  EXPECT_EQ(kept.size() + held.size(), y.size());
  int ones = 0, twos = 0;
  for (uint32_t r : held) ones += y[r] == 1, twos += y[r] == 2;
  EXPECT_EQ(ones, 10);
  EXPECT_EQ(twos, 2);
  EXPECT_TRUE(std::is_sorted(held.begin(), held.end()));
}

}  // namespace
}  // namespace malscope
