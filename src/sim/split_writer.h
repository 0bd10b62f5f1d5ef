#pragma once
// Writes one split's CSV from its plan: files are generated in blocks on a thread pool and the
// blocks are written in file_id order as they complete, so output is streamed (memory stays at a
// few blocks) and the bytes are the same for any thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/corpus_plan.h"
#include "sim/file_plan.h"
#include "sim/row_writer.h"
#include "util/log.h"

namespace malscope::sim {

/// What was written.
struct SplitStats {
  uint64_t files = 0, rows = 0, bytes = 0;
  uint64_t max_calls = 0;
  uint64_t exact_repeats = 0, near_repeats = 0;
  std::vector<uint64_t> class_files;
};

/// Generates the run of file `id` of `plan` into `calls` with `gen` (made with the spec's
/// with_ret and the data set's text rate); returns the plan of the run it is (a repeat re-runs its
/// source's plan, a near repeat perturbs the calls).
FilePlan run_file(const World& world, const CorpusSpec& spec, const SplitPlan& plan, size_t id,
                  TraceGenerator& gen, FileCalls& calls);

/// Generates and writes the rows of `plan` to `path` (atomically: a temporary file renamed at the
/// end) on `threads` threads (0 = all cores); `text_rate` as in TraceGenerator.
SplitStats write_split(const World& world, const CorpusSpec& spec, const SplitPlan& plan,
                       const RowWriter& writer, double text_rate, const std::string& path,
                       int threads, const ProgressFn& progress = {});

}  // namespace malscope::sim
