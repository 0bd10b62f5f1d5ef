#pragma once
// Progress on stderr for long work: shown only when stderr is a terminal, at most a few times a
// second, and erased when done, so logs and pipes stay clean.
#include <chrono>
#include <cstdint>
#include <string>

namespace malscope {

class Progress {
 public:
  /// `what` names the work; `total_bytes` (0 if unknown) enables the ETA.
  Progress(std::string what, uint64_t total_bytes = 0);
  ~Progress();
  /// Reports bytes consumed and items (rows, files) done so far.
  void update(uint64_t bytes, uint64_t items);
  /// Clears the line.
  void finish();
  /// Whether anything is shown (stderr is a terminal and MALSCOPE_NO_PROGRESS is unset).
  bool enabled() const { return enabled_; }

 private:
  std::string what_;
  uint64_t total_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

/// Human-readable count: 1234567 -> "1.23M".
std::string human_count(double n);
/// Human-readable size: 1234567 -> "1.2 MB".
std::string human_bytes(double n);

}  // namespace malscope
