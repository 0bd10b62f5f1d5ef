#pragma once
// One sandbox report (CAPEv2 or Cuckoo 2.x report.json) -> rows of a TraceBatch. The sandbox is
// told by the report's shape, key by key, not by a version field: a process has `process_id`
// (CAPE) or `pid` (Cuckoo), a call `thread_id`/`return` (CAPE, thread ids as strings, returns as
// hex strings, `repeated` for folded runs) or `tid`/`return_value` (Cuckoo, integers). Only the
// keys below are read; everything else is skipped unparsed (schema drift is the norm):
//
//   target.file.sha256 | .md5                    file_id (else the report's path, see the reader)
//   behavior.processes[i].process_id | .pid      the pid column
//   behavior.processes[i].track                  Cuckoo: false and no calls = not traced, not
//   counted behavior.processes[i].calls[j].api           api (pseudo-APIs such as __exception__
//   kept)
//   ... .calls[j].thread_id | .tid               tid: each (process, thread) is one thread
//   ... .calls[j].return | .return_value         return value, as given (hex text as a number)
//   ... .calls[j].repeated                       the call stands for repeated + 1 calls (capped)
//
// The walk uses simdjson's on-demand API over a padded buffer: no DOM is built, the parts not
// read are skipped at the speed of the structural index.
#include <cstdint>
#include <string>
#include <string_view>

#include "io/batch_dictionaries.h"
#include "io/trace_batch.h"

namespace malscope {

/// A call record stands for at most this many calls: `repeated` beyond kRepeatCap - 1 is cut (the
/// Tianchi logs kept at most 5,000 calls per thread; no real report comes near it: the largest
/// `repeated` in the shared fixtures is 1,081).
inline constexpr uint32_t kRepeatCap = 5000;

/// Which sandbox wrote a report, as its shape says.
enum class Sandbox : uint8_t {
  kNone,    ///< no process or call told (no behaviour)
  kCape,    ///< process_id / thread_id / return
  kCuckoo,  ///< pid / tid / return_value
};

/// "cape", "cuckoo" or "none".
std::string_view sandbox_name(Sandbox s);

/// What one report held.
struct ReportFacts {
  std::string file_id;  ///< target.file.sha256, else .md5, else empty (the caller decides)
  std::string id_from;  ///< "target.file.sha256", "target.file.md5" or ""
  Sandbox sandbox = Sandbox::kNone;
  uint32_t processes = 0;    ///< processes listed (Cuckoo's untraced ones left out)
  uint64_t records = 0;      ///< call records in the report
  uint64_t calls = 0;        ///< rows: records with `repeated` expanded
  uint64_t capped = 0;       ///< records whose `repeated` was cut at kRepeatCap
  uint64_t no_return = 0;    ///< calls without a return value (stored as 0)
  uint32_t reused_tids = 0;  ///< thread ids an earlier process had used (given a free id)
};

/// Reads the report `json` (its bytes followed by at least 64 readable bytes of padding) and
/// appends its calls to `batch` as rows of one file (BatchFile not added: the caller does, with
/// the label). `name` is the report's path for messages. Throws Error on bad input, saying where:
/// "NAME: at byte N (JSON path behavior.processes[3].calls[17].return): expected ..., got ...";
/// the batch may then hold part of the report (the caller takes it back).
ReportFacts read_report(std::string_view name, std::string_view json, TraceBatch& batch,
                        BatchDictionaries& dict);

}  // namespace malscope
