#pragma once
// The `sort | uniq -c` table: each file's (api, tid, return_value) call counts, most frequent
// first, and the same aggregated per class over (api, return_value).
#include <cstdint>
#include <string>
#include <vector>

#include "store/trace_store.h"
#include "util/log.h"

namespace malscope {

/// One line of a file's table.
struct CallCount {
  uint16_t api = 0;
  uint32_t tid = 0;
  int64_t ret = 0;
  uint32_t count = 0;
};

/// A file's (api, tid, return_value) counts, by count descending (ties: api, tid, ret).
std::vector<CallCount> count_calls(const FileTrace& t);

struct SummaryOptions {
  int threads = 0;
  uint32_t top = 0;     ///< rows per file in files.csv (0 = all)
  ProgressFn progress;  ///< progress of the pass (empty: none)
};

struct SummaryStats {
  uint32_t files = 0;
  uint64_t file_rows = 0;   ///< lines of files.csv
  uint64_t class_rows = 0;  ///< lines of classes.csv
};

/// Writes DIR/files.csv (file_id,label,api,tid,return_value,count) and DIR/classes.csv
/// (label,api,return_value,calls,files), both atomically.
SummaryStats write_summary(const TraceStore& store, const std::string& dir,
                           const SummaryOptions& opt = {});

}  // namespace malscope
