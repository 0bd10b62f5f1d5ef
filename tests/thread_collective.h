#pragma once
// Test helper: a Collective of N threads in one process (a barrier and one slot per worker), to
// test what workers compute together without a network. Results are combined in rank order, as
// every worker must get the same.
#include <barrier>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "util/collective.h"

namespace malscope::testing_util {

class ThreadCollective final : public Collective {
 public:
  struct Job {
    explicit Job(int n) : barrier(n), slots(n) {}
    std::barrier<> barrier;
    std::vector<std::string> slots;
  };
  ThreadCollective(Job& j, int rank) : j_(j), rank_(rank) {}
  int rank() const override { return rank_; }
  int world() const override { return int(j_.slots.size()); }
  void sum(std::span<int64_t> v) override {
    reduce(v, [](auto a, auto b) { return a + b; });
  }
  void sum(std::span<double> v) override {
    reduce(v, [](auto a, auto b) { return a + b; });
  }
  void max(std::span<float> v) override {
    reduce(v, [](auto a, auto b) { return a < b ? b : a; });
  }
  void broadcast(std::string& bytes, int root) override {
    if (rank_ == root) j_.slots[root] = bytes;
    j_.barrier.arrive_and_wait();
    bytes = j_.slots[root];
    j_.barrier.arrive_and_wait();
  }
  using Collective::sum;

  /// Runs fn(collective) on n threads, one per worker; rethrows the first exception.
  static void run(int n, const std::function<void(Collective&)>& fn) {
    Job job(n);
    std::vector<std::exception_ptr> err(n);
    std::vector<std::thread> t;
    for (int r = 0; r < n; ++r)
      t.emplace_back([&, r] {
        ThreadCollective c(job, r);
        try {
          fn(c);
        } catch (...) {
          err[r] = std::current_exception();
        }
      });
    for (auto& x : t) x.join();
    for (auto& e : err)
      if (e) std::rethrow_exception(e);
  }

 private:
  template <class T, class Op>
  void reduce(std::span<T> v, Op op) {
    j_.slots[rank_].assign(reinterpret_cast<const char*>(v.data()), v.size_bytes());
    j_.barrier.arrive_and_wait();
    std::vector<T> out(v.size()), other(v.size());
    std::memcpy(out.data(), j_.slots[0].data(), v.size_bytes());
    for (size_t w = 1; w < j_.slots.size(); ++w) {
      std::memcpy(other.data(), j_.slots[w].data(), v.size_bytes());
      for (size_t i = 0; i < v.size(); ++i) out[i] = op(out[i], other[i]);
    }
    std::memcpy(v.data(), out.data(), v.size_bytes());
    j_.barrier.arrive_and_wait();
  }
  Job& j_;
  int rank_;
};

}  // namespace malscope::testing_util
