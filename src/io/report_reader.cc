#include "io/report_reader.h"

#include <simdjson.h>

#include <fmt/format.h>
#include <algorithm>
#include <filesystem>

#include "io/gzip.h"
#include "util/byte_buffer.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/progress.h"

namespace malscope {
namespace {

// A unit is one report or consecutive small ones, up to this many.
constexpr size_t kUnitReports = 256;
// Buffers grown for a report this big are freed after it, so one huge report does not pin its
// memory on a worker for the rest of the ingest.
constexpr size_t kKeepBufferBytes = 64u << 20;

// The worker's buffers for one report: its file's bytes and, for .json.gz, the inflated JSON.
struct Buffers {
  ByteBuffer file, json;
  void trim() {
    if (file.capacity() > kKeepBufferBytes) file = ByteBuffer();
    if (json.capacity() > kKeepBufferBytes) json = ByteBuffer();
  }
};

// Reads a whole file into `out`, with simdjson's padding after it.
void read_whole(const ReportFile& f, ByteBuffer& out) {
  InputFile in(f.path);
  out.clear();
  out.reserve(f.bytes + simdjson::SIMDJSON_PADDING + 1);
  for (;;) {  // to the end, should the file have grown since it was listed
    if (out.capacity() - out.size() < simdjson::SIMDJSON_PADDING + 1)
      out.reserve(2 * out.capacity());
    size_t room = out.capacity() - out.size() - simdjson::SIMDJSON_PADDING;
    size_t old = out.size();
    out.resize(old + room);
    size_t got = in.read(out.data() + old, room);
    out.resize(old + got);
    if (got == 0) break;
    if (out.size() > kMaxReportBytes)
      throw Error(fmt::format("{}: larger than {}; refused", f.path,
                              human_bytes(static_cast<double>(kMaxReportBytes))));
  }
}

}  // namespace

ReportSource::ReportSource(std::span<const std::string> inputs, const SourceOptions& options)
    : options_(options), inputs_(inputs.begin(), inputs.end()) {
  reports_ = expand_report_inputs(inputs);
  name_ =
      inputs.size() == 1 ? inputs[0] : fmt::format("{} and {} more", inputs[0], inputs.size() - 1);
  for (const ReportFile& r : reports_) total_bytes_ += r.bytes;
  if (options_.labels) {
    label_used_ = std::make_unique<std::atomic<bool>[]>(options_.labels->labels.size());
    for (size_t i = 0; i < options_.labels->labels.size(); ++i) label_used_[i] = false;
  }
}

TraceSource::Unit ReportSource::next() {
  if (next_ >= reports_.size()) return {};
  const size_t first = next_;
  uint64_t bytes = 0;
  do {
    bytes += reports_[next_].bytes;
    ++next_;
  } while (next_ < reports_.size() && next_ - first < kUnitReports &&
           bytes + reports_[next_].bytes <= options_.block_bytes);
  bytes_handed_ += bytes;
  // The source outlives every unit: the ingest driver finishes them before it goes.
  return [this, first, last = next_] { return run_unit(first, last); };
}

TraceBatch ReportSource::run_unit(size_t first, size_t last) const {
  TraceBatch batch;
  BatchDictionaries dict(batch);
  Totals totals;
  for (size_t i = first; i < last; ++i) read_one(reports_[i], batch, dict, totals);
  std::lock_guard<std::mutex> lock(totals_mu_);
  Totals& t = totals_;
  t.records += totals.records, t.calls += totals.calls, t.capped += totals.capped;
  t.no_return += totals.no_return, t.reused_tids += totals.reused_tids;
  t.processes += totals.processes, t.no_behaviour += totals.no_behaviour;
  t.gzipped += totals.gzipped, t.cape += totals.cape, t.cuckoo += totals.cuckoo;
  t.by_sha256 += totals.by_sha256, t.by_md5 += totals.by_md5, t.by_path += totals.by_path;
  return batch;
}

void ReportSource::hold(uint64_t bytes, int sign) const {
  if (sign < 0) {
    held_reports_ -= 1;
    held_bytes_ -= bytes;
    return;
  }
  uint32_t n = ++held_reports_;
  uint64_t b = held_bytes_ += bytes;
  for (uint32_t p = peak_reports_; n > p && !peak_reports_.compare_exchange_weak(p, n);) {
  }
  for (uint64_t p = peak_bytes_; b > p && !peak_bytes_.compare_exchange_weak(p, b);) {
  }
}

void ReportSource::read_one(const ReportFile& file, TraceBatch& batch, BatchDictionaries& dict,
                            Totals& totals) const {
  thread_local Buffers buffers;
  const size_t rows = batch.rows(), apis = batch.apis.size(), texts = batch.ret_strings.size();
  uint64_t held = 0;
  try {
    read_whole(file, buffers.file);
    std::string_view json = buffers.file.view();
    if (file.gzipped) {
      gunzip(file.path, json, buffers.json, kMaxReportBytes, simdjson::SIMDJSON_PADDING);
      json = buffers.json.view();
    }
    held = buffers.file.size() + (file.gzipped ? json.size() : 0);
    hold(held, +1);
    ReportFacts facts = read_report(file.path, json, batch, dict);
    hold(held, -1);
    held = 0;
    std::string id = facts.file_id.empty() ? file.name : std::move(facts.file_id);
    int32_t label = -1;
    if (options_.labels) {
      int64_t e = options_.labels->find(id);
      if (e < 0)
        throw Error(fmt::format("{}: no label for file_id '{}' in {}", file.path, id,
                                options_.labels->path));
      label = options_.labels->labels[static_cast<size_t>(e)];
      label_used_[static_cast<size_t>(e)] = true;
    }
    batch.files.push_back({std::move(id), label, static_cast<uint32_t>(rows),
                           static_cast<uint32_t>(batch.rows()), 0, facts.processes, file.path});
    totals.records += facts.records, totals.calls += facts.calls;
    totals.capped += facts.capped, totals.no_return += facts.no_return;
    totals.reused_tids += facts.reused_tids, totals.processes += facts.processes;
    totals.no_behaviour += facts.calls == 0, totals.gzipped += file.gzipped;
    totals.cape += facts.sandbox == Sandbox::kCape;
    totals.cuckoo += facts.sandbox == Sandbox::kCuckoo;
    totals.by_sha256 += facts.id_from == "target.file.sha256";
    totals.by_md5 += facts.id_from == "target.file.md5";
    totals.by_path += facts.id_from.empty();
  } catch (const Error& e) {  // the report is bad: take back what it added, say why
    if (held) hold(held, -1);
    batch.api.resize(rows);
    batch.tid.resize(rows);
    batch.index.resize(rows);
    batch.ret.resize(rows);
    batch.pid.resize(rows);
    dict.truncate(apis, texts);
    batch.bad.push_back({0, e.what(), 0});
  }
  buffers.trim();
}

nlohmann::json ReportSource::describe() const {
  std::lock_guard<std::mutex> lock(totals_mu_);
  const Totals& t = totals_;
  std::string format = t.cape && t.cuckoo ? "cape+cuckoo" : t.cuckoo ? "cuckoo" : "cape";
  nlohmann::json j = {
      {"reader", "reports"},
      {"format", format},
      {"inputs", inputs_},
      {"reports", reports_.size()},
      {"sandboxes", {{"cape", t.cape}, {"cuckoo", t.cuckoo}}},
      {"reports_without_calls", t.no_behaviour},
      {"gzipped_reports", t.gzipped},
      {"processes", t.processes},
      {"call_records", t.records},
      {"calls", t.calls},
      {"repeat_cap", kRepeatCap},
      {"repeated_capped", t.capped},
      {"calls_without_return", t.no_return},
      {"reused_thread_ids", t.reused_tids},
      {"file_id_from",
       {{"target.file.sha256", t.by_sha256}, {"target.file.md5", t.by_md5}, {"path", t.by_path}}}};
  if (options_.labels) j["labels"] = options_.labels->path;
  return j;
}

std::string ReportSource::nothing_read(uint64_t bad) const {
  return fmt::format("'{}': all {} reports were bad; no store written", name_, bad);
}

void ReportSource::finish() {
  if (!options_.labels || !options_.log) return;
  std::vector<std::string> unused;
  size_t n = 0;
  for (size_t i = 0; i < options_.labels->labels.size(); ++i) {
    if (label_used_[i]) continue;
    if (++n <= 3) unused.push_back(options_.labels->ids[i]);
  }
  if (n)
    options_.log(fmt::format("warning: {} of {} labels in {} match no report read (e.g. {})", n,
                             options_.labels->labels.size(), options_.labels->path,
                             fmt::join(unused, ", ")));
}

namespace {

// Reports: .json or .json.gz files, folders and list files; every input must be one of them.
bool accepts_reports(std::span<const std::string> inputs) {
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (in == "-") return false;
    if (!std::filesystem::is_directory(in, ec) && !is_report_path(in) && !is_list_path(in))
      return false;
  }
  return true;
}

std::unique_ptr<TraceSource> open_reports(std::span<const std::string> inputs,
                                          const SourceOptions& options) {
  return open_report_source(inputs, options);
}

MALSCOPE_REGISTER_TRACE_SOURCE((TraceSourceKind{"reports", accepts_reports, open_reports}));

}  // namespace

std::unique_ptr<ReportSource> open_report_source(std::span<const std::string> inputs,
                                                 const SourceOptions& options) {
  return std::make_unique<ReportSource>(inputs, options);
}

}  // namespace malscope
