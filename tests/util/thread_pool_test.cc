#include "util/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace malscope {

TEST(ThreadPool, RunsEveryTaskAndReturnsResults) {
  ThreadPool pool(2);
  std::vector<std::future<int>> futures;
  for (int i = 0; i < 100; ++i) futures.push_back(pool.submit([i] { return i * i; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(futures[i].get(), i * i);
}

TEST(ThreadPool, ParallelForCoversEachIndexOnceWithValidWorkers) {
  std::vector<std::atomic<int>> hits(1000);
  std::atomic<bool> bad_worker{false};
  parallel_for(hits.size(), 3, [&](size_t i, int w) {
    if (w < 0 || w >= 3) bad_worker = true;
    hits[i]++;
  });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
  EXPECT_FALSE(bad_worker);
}

TEST(ThreadPool, ParallelForRethrows) {
  EXPECT_THROW(parallel_for(10, 2,
                            [](size_t i, int) {
                              if (i == 7) throw std::runtime_error("boom");
                            }),
               std::runtime_error);
}

}  // namespace malscope
