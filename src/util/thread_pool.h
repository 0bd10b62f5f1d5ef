#pragma once
// A fixed pool of worker threads running submitted tasks in FIFO order.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace malscope {

/// The most worker threads malscope starts (a larger request is a usage error in the CLI and
/// is capped here), so a typo cannot exhaust the machine's process table.
inline constexpr int kMaxThreads = 256;

/// Threads to use for `requested`: itself (at most kMaxThreads), or for 0 the machine's hardware
/// threads.
int default_threads(int requested);

class ThreadPool {
 public:
  /// Starts `n` workers (at least one).
  explicit ThreadPool(int n);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Number of worker threads.
  int size() const { return static_cast<int>(workers_.size()); }

  /// Queues `f`; the future carries its result or exception.
  template <class F>
  auto submit(F&& f) -> std::future<decltype(f())> {
    using R = decltype(f());
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(f));
    auto fut = task->get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.emplace_back([task] { (*task)(); });
    }
    cv_.notify_one();
    return fut;
  }

 private:
  void run();
  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

/// Runs fn(i, worker) for i in [0, n) on `threads` threads (dynamic scheduling); `worker` is in
/// [0, threads) so callers can keep per-worker accumulators. Rethrows the first exception.
void parallel_for(size_t n, int threads, const std::function<void(size_t i, int worker)>& fn);

/// Runs fn(i, worker) for i in [0, n) on `threads` threads, task i only once every task in
/// after[i] (each < n) has finished; a free worker takes the lowest-numbered ready task. With one
/// thread, tasks run in that order on the caller's. After an exception no task starts; the first
/// is rethrown once the running ones end. Throws std::logic_error if `after` has a cycle.
void run_task_graph(size_t n, const std::vector<std::vector<size_t>>& after, int threads,
                    const std::function<void(size_t i, int worker)>& fn);

}  // namespace malscope
