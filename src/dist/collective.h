#pragma once
// The Collective over XGBoost's own (Rabit, in libxgboost 1.7): a worker joins the job through
// the tracker (`python3 -m xgboost.tracker` or `malscope launch`), and XGBoost's distributed
// training uses the same links. Every C API call is checked; a watchdog ends a step (one
// allreduce, one boosting round) that waits longer than the timeout, since a peer that hangs
// leaves Rabit's reads blocked forever.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "util/collective.h"

namespace malscope {

/// Where a worker finds its job.
struct CollectiveConfig {
  std::string tracker_uri;  ///< tracker host (DMLC_TRACKER_URI)
  int tracker_port = 0;     ///< tracker port (DMLC_TRACKER_PORT)
  int task = -1;            ///< this worker's task id (DMLC_TASK_ID), -1 unknown
  int world = 0;            ///< number of workers (DMLC_NUM_WORKER)
  double timeout_s = 300;   ///< longest wait of one step for the other workers

  /// Fills what is unset (empty, 0 or -1) from the DMLC_* environment; throws UsageError naming
  /// what is still missing or bad.
  void resolve_from_env();
};

/// What a timed-out step calls (it must not return: the step is still blocked): the message names
/// the step and the timeout.
using TimeoutFn = std::function<void(const std::string& message)>;

class XgbCollective final : public Collective {
 public:
  /// Joins the job (XGCommunicatorInit); throws Error naming the tracker if that fails.
  /// `on_timeout` is called from the watchdog thread when a step outlasts cfg.timeout_s.
  XgbCollective(const CollectiveConfig& cfg, TimeoutFn on_timeout);
  /// Leaves the job (XGCommunicatorFinalize) unless an operation failed.
  ~XgbCollective() override;
  XgbCollective(const XgbCollective&) = delete;
  XgbCollective& operator=(const XgbCollective&) = delete;

  int rank() const override { return rank_; }
  int world() const override { return world_; }
  void sum(std::span<int64_t> v) override;
  void sum(std::span<double> v) override;
  void max(std::span<float> v) override;
  void broadcast(std::string& bytes, int root) override;
  void begin_step(std::string_view what) override;
  void end_step() override;
  using Collective::sum;

  /// Bytes this worker passed to allreduce and broadcast calls so far (payload, both ways
  /// counted once; XGBoost's own histogram traffic is not included).
  uint64_t payload_bytes() const { return payload_; }

  /// Bytes sent and received so far over this process's open TCP sockets (the Rabit links, so
  /// XGBoost's histograms included), from the kernel's TCP_INFO.
  struct SocketBytes {
    uint64_t sent = 0, received = 0;
  };
  static SocketBytes socket_bytes();

 private:
  void check(int rc, const std::string& what);
  void allreduce(void* data, size_t count, int type, int op, size_t elem, const char* what);
  void watch();

  int rank_ = 0, world_ = 1;
  bool failed_ = false;
  uint64_t payload_ = 0;
  double timeout_s_;
  TimeoutFn on_timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::string step_;  // empty: no step running
  std::chrono::steady_clock::time_point step_start_;
  std::thread watchdog_;
};

}  // namespace malscope
