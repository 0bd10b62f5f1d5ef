#pragma once
// The shape of one run before any call is generated: which prototype, whether it stops early,
// how many threads with which thread ids, and how many calls each makes. Planning is cheap, so
// the simulator can plan every file up front (to size the output and balance the work) and the
// generator fills the plan in later, on any thread.
#include <cstdint>
#include <vector>

#include "sim/behaviour.h"

namespace malscope::sim {

/// The sandbox keeps at most this many calls per thread; later calls are dropped.
inline constexpr uint32_t kThreadCap = 5000;
/// Activity (calls a run wants to make) is lognormal with this sigma: a heavy tail.
inline constexpr double kActivitySigma = 1.5;

/// Thread roles within a prototype.
enum class ThreadRole : uint8_t { kMain, kWorker, kHelper };

/// One thread of a run.
struct ThreadPlan {
  uint32_t tid = 0;
  uint32_t length = 0;  ///< calls the thread would make; the trace keeps min(length, cap)
  ThreadRole role = ThreadRole::kMain;
  int32_t copy_of = -1;  ///< a clone or prefix of this earlier thread, or -1
  bool exact = true;     ///< a clone that is an exact copy
  /// Rows the thread contributes after the cap.
  uint32_t rows() const { return length < kThreadCap ? length : kThreadCap; }
};

/// The plan of one run.
struct FilePlan {
  int label = 0;
  uint16_t proto = 0;
  bool early_exit = false;
  std::vector<ThreadPlan> threads;  ///< in creation order: main, workers, helpers
  int32_t anomaly_thread = -1;      ///< a thread whose index column repeats or skips once
  uint32_t anomaly_pos = 0;         ///< from this row of that thread on
  int8_t anomaly_shift = 0;         ///< -1: an index repeats; +1: an index is skipped
  /// Rows of the run.
  uint64_t rows() const;
};

/// Choices a caller can fix instead of drawing them (calibration and sampling).
struct PlanOverride {
  double activity_u = -1;  ///< in (0, 1): the activity quantile
  int proto = -1;          ///< the prototype
};

/// Plans the run of a `label` file whose key is `key`; `scale` turns the prototype's relative
/// activity into calls (spent in thread bodies, on top of prologues and epilogues).
FilePlan plan_file(const World& world, int label, bool test_split, uint64_t key, double scale,
                   const PlanOverride& fixed = {});

/// Sum of the decimal digits of 0 .. n-1 (the bytes of an index column of n rows, sans line ends).
uint64_t index_digits(uint64_t n);
/// Decimal digits of v (1 for 0).
int decimal_digits(uint64_t v);

}  // namespace malscope::sim
