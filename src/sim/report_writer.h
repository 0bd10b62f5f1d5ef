#pragma once
// Simulated runs as sandbox reports: the same calls the CSV formats write, laid out as CAPEv2
// (`process_id`, `thread_id` as a string, returns as hex strings, consecutive identical calls of
// a thread folded into `repeated`) or Cuckoo 2.x (`pid`, `tid`, `return_value` as integers, every
// call listed) report.json. A run's threads are grouped into processes (the sample's own, and
// child processes for workers or helpers), the threads of a process interleaved in time order as
// sandboxes log them; everything beyond the calls (pids, names, times, arguments, callers) comes
// from streams of its own, so the calls are exactly those of the CSV of the same seed.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/file_plan.h"
#include "sim/trace_generator.h"

namespace malscope::sim {

/// Which sandbox's layout.
enum class ReportShape : uint8_t { kCape, kCuckoo };

/// What a report says about its sample besides the calls.
struct ReportHead {
  std::string sha256;    ///< target.file.sha256: the report's file_id
  std::string md5;       ///< target.file.md5
  uint64_t task_id = 1;  ///< info.id
  uint64_t key = 0;      ///< the file's key: processes, times and arguments derive from it
};

/// One process of a simulated run.
struct SimProcess {
  uint32_t pid = 0, ppid = 0;
  std::string_view name;          ///< process_name
  std::vector<uint32_t> threads;  ///< FileCalls thread numbers (tid order), at least one
};

/// Groups the threads of a run into processes: the main thread and helpers in the sample's
/// process; workers, sometimes helpers, in child processes (malware more often than benign
/// programs). Deterministic in `key`.
std::vector<SimProcess> plan_processes(const FilePlan& plan, const FileCalls& calls, int label,
                                       uint64_t key);

/// Appends a report of the run to `out`.
void write_report(std::string& out, ReportShape shape, const ReportHead& head,
                  const FileCalls& calls, const std::vector<SimProcess>& processes);

/// Appends a report of a run that left no behaviour: `kind` 0 an analysis whose processes list is
/// empty (CAPE: with processtree and summary; Cuckoo: `behavior: {}`), 1 the bare form (CAPE:
/// `behavior: {"processes": []}`; Cuckoo: the sample's process with `calls: []`, as with
/// call logging switched off).
void write_empty_report(std::string& out, ReportShape shape, const ReportHead& head, int kind);

/// Hex digits that stand for a digest of a file (`digits` of them, 64 for a sha256): distinct
/// for distinct keys.
std::string fake_digest(uint64_t key, int digits);

}  // namespace malscope::sim
