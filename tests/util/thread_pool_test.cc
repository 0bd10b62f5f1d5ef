#include "util/thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

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

// Tasks of a graph start only after what they wait for, each once; one thread keeps list order.
TEST(TaskGraph, EachTaskRunsOnceAfterWhatItWaitsFor) {
  const size_t n = 40;
  std::vector<std::vector<size_t>> after(n);
  for (size_t i = 1; i < n; ++i) {
    if (i % 3 == 1) after[i].push_back(i - 1);
    if (i % 7 == 0) after[i].push_back(i / 2);
  }
  after[2] = {n - 1};  // a task listed early may wait for the last one (none waits for 2)
  for (int threads : {1, 2, 4}) {
    std::mutex mu;
    std::vector<int> done(n, 0), order;
    bool early = false;
    run_task_graph(n, after, threads, [&](size_t i, int w) {
      std::lock_guard<std::mutex> lock(mu);
      for (size_t d : after[i]) early |= !done[d];
      early |= w < 0 || w >= threads;
      ++done[i];
      order.push_back(int(i));
    });
    EXPECT_FALSE(early) << threads << " threads";
    EXPECT_EQ(std::count(done.begin(), done.end(), 1), long(n)) << threads << " threads";
    if (threads == 1) {  // the lowest ready task first: 2 waits for the last
      std::vector<int> want;
      for (int i = 0; i < int(n); ++i)
        if (i != 2) want.push_back(i);
      want.push_back(2);
      EXPECT_EQ(order, want);
    }
  }
}

// A free worker skips a task that still waits and takes the next ready one, and comes back to it.
TEST(TaskGraph, AWaitingTaskDoesNotHoldUpTheOthers) {
  std::atomic<bool> slow_done{false}, ran_beside{false};
  run_task_graph(3, {{}, {0}, {}}, 2, [&](size_t i, int) {
    if (i == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      slow_done = true;
    }
    if (i == 2 && !slow_done) ran_beside = true;
    if (i == 1) {
      EXPECT_TRUE(slow_done);
    }
  });
  EXPECT_TRUE(ran_beside);
}

TEST(TaskGraph, RethrowsAndRefusesCycles) {
  std::atomic<int> started{0};
  EXPECT_THROW(run_task_graph(10, std::vector<std::vector<size_t>>(10), 1,
                              [&](size_t i, int) {
                                ++started;
                                if (i == 3) throw std::runtime_error("boom");
                              }),
               std::runtime_error);
  EXPECT_EQ(started.load(), 4);  // nothing starts after a failure
  EXPECT_THROW(run_task_graph(3, {{2}, {}, {0}}, 2, [](size_t, int) {}), std::logic_error);
  EXPECT_THROW(run_task_graph(2, {{5}, {}}, 2, [](size_t, int) {}), std::logic_error);
  EXPECT_THROW(run_task_graph(2, {{}}, 2, [](size_t, int) {}), std::logic_error);
}

}  // namespace malscope
