#pragma once
// The points of a per-sample call plot (x call position, y API, colour/z thread), thinned for
// large samples so the page stays responsive: first one point per (thread, API, run of W
// positions) with the smallest power-of-two W that fits, then, if still too many, every s-th.
#include <cstdint>
#include <string>
#include <vector>

#include "store/trace_store.h"

namespace malscope {

struct SamplePoints {
  uint32_t file = 0;
  std::string id;
  int32_t label = -1;
  uint32_t calls = 0;            ///< calls in the sample
  uint32_t distinct_apis = 0;    ///< distinct APIs it calls
  std::vector<uint32_t> x;       ///< call position (the index column) of each point
  std::vector<uint16_t> api;     ///< store API id of each point
  std::vector<uint32_t> thread;  ///< thread ordinal of each point (0 = smallest (pid,) tid)
  std::vector<uint32_t> tids;    ///< tid of each thread ordinal
  /// pid of each thread ordinal when the trace has processes (threads are then ordered by
  /// process, so a process's threads are neighbours); empty otherwise
  std::vector<uint32_t> pids;
  uint32_t bin_width = 1;  ///< W: positions merged per point (1 = none)
  uint32_t stride = 1;     ///< s: every s-th point kept after merging (1 = all)
  size_t size() const { return x.size(); }
  /// Whether fewer points than calls are shown.
  bool thinned() const { return x.size() < calls; }
  /// One sentence for the page saying what is shown.
  std::string note() const;
};

/// Points of one trace (api, tid and index columns; pid when decoded), at most max_points (>= 1)
/// of them.
SamplePoints sample_points(const FileTrace& trace, uint32_t max_points);

/// Decodes file f from the store and makes its points.
SamplePoints sample_points(const TraceStore& store, uint32_t file, uint32_t max_points);

}  // namespace malscope
