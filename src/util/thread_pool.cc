#include "util/thread_pool.h"

#include <algorithm>

#include <atomic>
#include <exception>

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

}  // namespace malscope
