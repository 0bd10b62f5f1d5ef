#pragma once
// How the library reports while it works: it prints nothing itself. Lines (warnings, fold
// summaries) go to a LogFn and progress of long work to a ProgressFn, both given by the caller
// (the CLI prints them on stderr); an empty one drops what it would have received.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace malscope {

/// Receives one finished line (a warning, a fold's result, ...); may be empty.
using LogFn = std::function<void(const std::string&)>;

/// One progress report of long work.
struct ProgressTick {
  std::string_view what;     ///< the work ("ingest", "features", ...)
  uint64_t bytes = 0;        ///< input bytes consumed so far
  uint64_t total_bytes = 0;  ///< all input bytes (0: unknown, no ETA)
  uint64_t items = 0;        ///< rows or files done so far
  double seconds = 0;        ///< since the work started
  bool done = false;         ///< the work finished: a shown progress line can be cleared
};

/// Receives progress reports, at most a few a second; may be empty.
using ProgressFn = std::function<void(const ProgressTick&)>;

}  // namespace malscope
