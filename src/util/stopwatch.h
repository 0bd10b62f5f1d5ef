#pragma once
// Wall-clock seconds for logs and reports (steady clock: immune to clock changes).
#include <chrono>

namespace malscope {

/// Seconds from `t0` to now.
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace malscope
