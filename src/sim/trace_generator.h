#pragma once
// Turns a FilePlan into calls: each thread's role is run (prologue, body loops, epilogue) with
// per-call noise until the thread's length or the cap is reached; clone threads copy their
// source, prefix threads cut it short; return values are drawn last, from a stream of their own,
// so the call sequences are the same whether or not the format has a return_value column.
#include <cstdint>
#include <vector>

#include "sim/behaviour.h"
#include "sim/file_plan.h"
#include "sim/return_values.h"

namespace malscope::sim {

/// The calls of one run, threads in thread-id order (the order rows are written in).
struct FileCalls {
  std::vector<uint16_t> api;
  std::vector<int64_t> ret;            ///< empty when the format has no return values
  std::vector<uint32_t> tid;           ///< per thread
  std::vector<uint32_t> thread_begin;  ///< per thread, then the end: rows [b[k], b[k+1])
  int32_t anomaly_thread = -1;         ///< in tid order; see FilePlan
  uint32_t anomaly_pos = 0;
  int8_t anomaly_shift = 0;
  size_t rows() const { return api.size(); }
  size_t threads() const { return tid.size(); }
};

/// Generates runs. Not thread-safe: use one per worker thread (the world is shared, read-only).
class TraceGenerator {
 public:
  /// `with_ret`: draw return values; `text_rate`: share of non-numeric ones.
  TraceGenerator(const World& world, bool with_ret, double text_rate);
  /// Generates the run planned by `plan` for the file with key `key`.
  void generate(const FilePlan& plan, uint64_t key, FileCalls& out);
  /// Makes `calls` (another run's calls) a near copy for the file with key `key`: a re-run gets
  /// new thread ids, and a few calls and return values come out differently.
  void perturb(FileCalls& calls, uint64_t key);

 private:
  void run_thread(const Prototype& p, const Role& role, const ThreadPlan& t, double noise, Rng& rng,
                  std::vector<uint16_t>& out);
  void draw_returns(const std::vector<uint32_t>& order, double err_scale, uint64_t key,
                    FileCalls& out) const;
  void light_noise(std::vector<uint16_t>& calls, double rate, Rng& rng) const;
  uint16_t background(uint64_t bits) const { return background_[bits & (kTable - 1)]; }

  static constexpr size_t kTable = 4096;
  const World& world_;
  bool with_ret_;
  ReturnModel ret_model_;
  std::vector<uint16_t> background_;  // benign calls, repeated by weight: uniform draws sample
  std::vector<std::vector<uint16_t>> threads_;
};

}  // namespace malscope::sim
