#include "analysis/sample_plot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <tuple>

namespace malscope {
namespace {

struct Trace {
  std::vector<uint16_t> api;
  std::vector<uint32_t> tid, index;
  void thread(uint32_t id, size_t n, uint16_t apis) {
    for (size_t i = 0; i < n; ++i) {
      api.push_back(static_cast<uint16_t>((i * 7 + id) % apis));
      tid.push_back(id);
      index.push_back(static_cast<uint32_t>(i));
    }
  }
  FileTrace view() const {
    FileTrace t;
    t.id = "f";
    t.api = api;
    t.tid = tid;
    t.index = index;
    t.n_rows = static_cast<uint32_t>(api.size());
    return t;
  }
};

TEST(SamplePlot, SmallSamplesAreShownWhole) {
  Trace t;
  t.thread(4, 50, 5);
  t.thread(9, 30, 5);
  SamplePoints s = sample_points(t.view(), 1000);
  EXPECT_EQ(s.size(), 80u);
  EXPECT_FALSE(s.thinned());
  EXPECT_EQ(s.tids, (std::vector<uint32_t>{4, 9}));
  EXPECT_EQ(s.thread.back(), 1u);
  EXPECT_EQ(s.x[50], 0u);  // second thread starts at its own index 0
  EXPECT_EQ(s.distinct_apis, 5u);
  EXPECT_EQ(s.note(), "all 80 calls shown");
}

TEST(SamplePlot, LargeSamplesAreThinnedKeepingEveryApiOfEveryThread) {
  Trace t;
  t.thread(1, 200000, 40);
  t.thread(2, 100000, 3);
  SamplePoints s = sample_points(t.view(), 5000);
  EXPECT_LE(s.size(), 5000u);
  EXPECT_GT(s.size(), 1000u);  // thinned to fit, not to nothing
  EXPECT_TRUE(s.thinned());
  EXPECT_GT(s.bin_width, 1u);
  EXPECT_EQ(s.stride, 1u);
  std::set<std::pair<uint32_t, uint16_t>> seen;
  for (size_t i = 0; i < s.size(); ++i) seen.insert({s.thread[i], s.api[i]});
  EXPECT_EQ(seen.size(), 43u);  // every (thread, API) pair is still drawn
  EXPECT_NE(s.note().find("of 300000 calls shown"), std::string::npos);
  EXPECT_NE(s.note().find("consecutive positions"), std::string::npos);
  // Points still span the whole sample.
  EXPECT_GT(*std::max_element(s.x.begin(), s.x.end()), 190000u);
}

TEST(SamplePlot, StridesWhenMergingIsNotEnough) {
  // 2,000 threads of 10 distinct calls: even one point per (thread, API) is 20,000.
  Trace t;
  for (uint32_t k = 0; k < 2000; ++k) t.thread(k, 10, 10);
  SamplePoints s = sample_points(t.view(), 1000);
  EXPECT_LE(s.size(), 1000u);
  EXPECT_GT(s.stride, 1u);
  EXPECT_NE(s.note().find("then every"), std::string::npos);
}

TEST(SamplePlot, IsDeterministic) {
  Trace t;
  t.thread(1, 50000, 30);
  SamplePoints a = sample_points(t.view(), 2000), b = sample_points(t.view(), 2000);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.api, b.api);
}

}  // namespace
}  // namespace malscope
