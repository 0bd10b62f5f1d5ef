#pragma once
// Progress of long work, reported to the caller's ProgressFn (util/log.h) at most five times a
// second, with a last `done` report if anything was reported; nothing at all without a sink.
#include <chrono>
#include <cstdint>
#include <string>

#include "util/log.h"

namespace malscope {

class Progress {
 public:
  /// `what` names the work; `total_bytes` (0 if unknown) lets the sink show an ETA.
  Progress(ProgressFn sink, std::string what, uint64_t total_bytes = 0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  /// Reports bytes consumed and items (rows, files) done so far.
  void update(uint64_t bytes, uint64_t items);
  /// Reports the end (once).
  void finish();
  /// Whether reports go anywhere.
  bool enabled() const { return static_cast<bool>(sink_); }

 private:
  ProgressFn sink_;
  std::string what_;
  uint64_t total_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

/// Human-readable count: 1234567 -> "1.23M".
std::string human_count(double n);
/// Human-readable size: 1234567 -> "1.2 MB".
std::string human_bytes(double n);

}  // namespace malscope
