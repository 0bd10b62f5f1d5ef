#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/sample_plot.h"

namespace malscope {
namespace {

using ::testing::ElementsAre;

TEST(SamplePlotProcesses, ThreadsAreGroupedByProcess) {
  // Rows sorted by tid: threads 4 and 12 belong to process 200, thread 8 to process 100.
  std::vector<uint16_t> api{0, 1, 0, 1, 0};
  std::vector<uint32_t> tid{4, 4, 8, 12, 12}, index{0, 1, 0, 0, 1}, pid{200, 200, 100, 200, 200};
  FileTrace t;
  t.api = api;
  t.tid = tid;
  t.index = index;
  t.pid = pid;
  t.n_rows = 5;
  SamplePoints s = sample_points(t, 100);
  EXPECT_THAT(s.tids, ElementsAre(8, 4, 12));
  EXPECT_THAT(s.pids, ElementsAre(100, 200, 200));
  EXPECT_THAT(s.thread, ElementsAre(1, 1, 0, 2, 2));
  t.pid = {};  // a CSV store: tid order, no pids
  SamplePoints c = sample_points(t, 100);
  EXPECT_THAT(c.tids, ElementsAre(4, 8, 12));
  EXPECT_TRUE(c.pids.empty());
}

}  // namespace
}  // namespace malscope
