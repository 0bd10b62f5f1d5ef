#include "util/thread_pool.h"

#include <algorithm>

#include <atomic>
#include <cstdint>
#include <exception>
#include <stdexcept>

namespace malscope {

int default_threads(int requested) {
  if (requested > 0) return std::min(requested, kMaxThreads);
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? std::min(static_cast<int>(hw), kMaxThreads) : 1;
}

ThreadPool::ThreadPool(int n) {
  if (n < 1) n = 1;
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { run(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

void parallel_for(size_t n, int threads, const std::function<void(size_t, int)>& fn) {
  threads = default_threads(threads);
  if (threads <= 1 || n <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto body = [&](int worker) {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        fn(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (!error) error = std::current_exception();
        next = n;  // stop handing out work
      }
    }
  };
  std::vector<std::thread> pool;
  int t = static_cast<int>(std::min<size_t>(threads, n));
  for (int w = 1; w < t; ++w) pool.emplace_back(body, w);
  body(0);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

void run_task_graph(size_t n, const std::vector<std::vector<size_t>>& after, int threads,
                    const std::function<void(size_t, int)>& fn) {
  if (after.size() != n) throw std::logic_error("run_task_graph: one dependency list per task");
  std::vector<size_t> waiting(n, 0);              // unfinished tasks each task waits for
  std::vector<std::vector<size_t>> unblocks(n);  // tasks waiting for each
  for (size_t i = 0; i < n; ++i)
    for (size_t d : after[i]) {
      if (d >= n || d == i) throw std::logic_error("run_task_graph: a task waits for no task");
      ++waiting[i];
      unblocks[d].push_back(i);
    }
  std::vector<uint8_t> started(n, 0);
  size_t taken = 0, running = 0;
  std::exception_ptr error;
  std::mutex mu;
  std::condition_variable cv;
  auto body = [&](int worker) {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      size_t i = 0;
      while (i < n && (started[i] || waiting[i])) ++i;
      if (error || taken == n) return;
      if (i == n) {
        if (running == 0) {  // nothing runs and nothing can start: a cycle
          error = std::make_exception_ptr(std::logic_error("run_task_graph: a dependency cycle"));
          cv.notify_all();
          return;
        }
        cv.wait(lock);
        continue;
      }
      started[i] = 1, ++taken, ++running;
      lock.unlock();
      std::exception_ptr e;
      try {
        fn(i, worker);
      } catch (...) {
        e = std::current_exception();
      }
      lock.lock();
      --running;
      if (e && !error) error = e;
      for (size_t j : unblocks[i]) --waiting[j];
      cv.notify_all();
    }
  };
  const int t = static_cast<int>(std::min<size_t>(default_threads(threads), std::max<size_t>(n, 1)));
  std::vector<std::thread> pool;
  for (int w = 1; w < t; ++w) pool.emplace_back(body, w);
  body(0);
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace malscope
