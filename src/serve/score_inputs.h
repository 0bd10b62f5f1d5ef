#pragma once
// Batch scoring: the verdicts for every trace of a set of inputs, in input order. Inputs are
// sandbox reports (files, folders, list files: read and scored a unit at a time on a pool, no
// store written), one Tianchi CSV (ingested into a temporary store first, so files that come
// back are merged as ingest merges them) or one trace store (scored as `predict` scores it).
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "serve/scorer.h"
#include "util/log.h"

namespace malscope {

struct ScoreOptions {
  int reasons = 5;        ///< reasons per verdict (0: none)
  int threads = 1;        ///< worker threads (>= 1)
  bool skip_bad = false;  ///< skip unreadable reports (logged) instead of stopping
  LogFn log;              ///< skipped reports and notes
};

/// What kind of input `inputs` is: "store", "csv" or "reports" (by the first bytes of a single
/// input, then its extension).
std::string input_kind(std::span<const std::string> inputs);

/// Scores every trace of `inputs` and hands the verdicts to `sink` in input order (a batch at a
/// time). Throws Error naming the input (file, byte and JSON path, or line and column) on bad
/// input, UsageError when a store or CSV is given with other inputs. Returns the traces scored.
size_t score_inputs(const Scorer& scorer, std::span<const std::string> inputs,
                    const ScoreOptions& options,
                    const std::function<void(std::vector<Verdict>&)>& sink);

}  // namespace malscope
