#pragma once
// The sandbox-report reader: CAPEv2 and Cuckoo 2.x report.json files (plain or gzipped), folders
// of them and list files of their paths (io/report_inputs.h), as a TraceSource. One report is
// one file of the store; a unit of work is one report or a handful of small ones, read, inflated
// and parsed on the worker that runs it (io/report_json.h), so only the reports being parsed are
// in memory, whatever the folder's size.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "io/report_inputs.h"
#include "io/report_json.h"
#include "io/trace_source.h"

namespace malscope {

/// A report is refused when it would inflate to more than this (simdjson takes up to 4 GB; the
/// largest reports users mention are 440 MB).
inline constexpr size_t kMaxReportBytes = size_t(2) << 30;

class ReportSource : public TraceSource {
 public:
  /// Lists the reports `inputs` name; throws Error (or UsageError) as expand_report_inputs().
  ReportSource(std::span<const std::string> inputs, const SourceOptions& options);

  const std::string& name() const override { return name_; }
  Unit next() override;
  uint64_t bytes_read() const override { return bytes_handed_; }
  uint64_t total_bytes() const override { return total_bytes_; }
  bool labeled() const override { return options_.labels != nullptr; }
  bool has_return_value() const override { return true; }
  bool has_processes() const override { return true; }
  bool one_record_per_file() const override { return true; }
  nlohmann::json describe() const override;
  std::string nothing_read(uint64_t bad) const override;
  void finish() override;

  /// The reports listed.
  const std::vector<ReportFile>& reports() const { return reports_; }
  /// The most reports held in memory at once (read, being parsed), and their most bytes.
  uint32_t peak_reports_in_memory() const { return peak_reports_; }
  uint64_t peak_bytes_in_memory() const { return peak_bytes_; }

 private:
  // What the reports of the input add up to (units add theirs when they finish).
  struct Totals {
    uint64_t records = 0, calls = 0, capped = 0, no_return = 0, reused_tids = 0;
    uint64_t processes = 0, no_behaviour = 0, gzipped = 0;
    uint64_t cape = 0, cuckoo = 0, by_sha256 = 0, by_md5 = 0, by_path = 0;
  };

  TraceBatch run_unit(size_t first, size_t last) const;
  void read_one(const ReportFile& file, TraceBatch& batch, BatchDictionaries& dict,
                Totals& totals) const;
  void hold(uint64_t bytes, int sign) const;

  SourceOptions options_;
  std::string name_;
  std::vector<std::string> inputs_;
  std::vector<ReportFile> reports_;
  size_t next_ = 0;
  uint64_t bytes_handed_ = 0, total_bytes_ = 0;
  std::unique_ptr<std::atomic<bool>[]> label_used_;
  mutable std::mutex totals_mu_;
  mutable Totals totals_;
  mutable std::atomic<uint32_t> held_reports_{0}, peak_reports_{0};
  mutable std::atomic<uint64_t> held_bytes_{0}, peak_bytes_{0};
};

/// Opens the reports `inputs` name (files, folders, list files) as a source.
std::unique_ptr<ReportSource> open_report_source(std::span<const std::string> inputs,
                                                 const SourceOptions& options = {});

}  // namespace malscope
