#pragma once
// Writes one split as a folder of sandbox reports: the files of the split's plan (the same runs
// the CSV formats write), then a few reports with no behaviour, each <sha256>.json (or .json.gz)
// written atomically. Files are generated in blocks on a thread pool, each worker writing its own
// files, so memory stays at a few reports per worker and the bytes do not depend on the thread
// count.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/corpus_plan.h"
#include "sim/report_writer.h"
#include "sim/split_writer.h"
#include "util/log.h"

namespace malscope::sim {

/// How to write a report folder.
struct ReportSplitOptions {
  ReportShape shape = ReportShape::kCape;
  bool gzip = false;     ///< .json.gz (libdeflate level 6) instead of .json
  uint64_t empty = 0;    ///< reports with no behaviour, after the plan's files
  double text_rate = 0;  ///< as in TraceGenerator
  int threads = 0;       ///< 0 = all cores
  ProgressFn progress;
};

/// What was written.
struct ReportSplitStats {
  SplitStats split;    ///< files (reports), rows (calls), bytes (as written), repeats, classes
  uint64_t empty = 0;  ///< reports with no behaviour among them
  /// (sha256, label) of every report, plan files first, in file order.
  std::vector<std::pair<std::string, int>> labels;
};

/// The sha256 (a fake, distinct per file) that report `id` of a split carries.
std::string report_sha256(uint64_t seed, bool test, uint64_t id);

/// Writes the reports of `plan` into the folder `dir` (created if missing).
ReportSplitStats write_report_split(const World& world, const CorpusSpec& spec,
                                    const SplitPlan& plan, const std::string& dir,
                                    const ReportSplitOptions& options);

}  // namespace malscope::sim
