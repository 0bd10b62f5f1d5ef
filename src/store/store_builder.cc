#include "store/store_builder.h"

#include <fmt/format.h>
#include <chrono>
#include <memory>

#include "store/class_names.h"
#include "util/error.h"
#include "util/text.h"

namespace malscope {

using store::ChunkRows;
using store::EncodedChunk;

uint32_t StoreBuilder::Dictionary::intern(const std::string& s) {
  auto [it, added] = ids_.try_emplace(s, static_cast<uint32_t>(names_.size()));
  if (added) names_.push_back(s);
  return it->second;
}

StoreBuilder::StoreBuilder(const std::string& path, std::string source, ThreadPool& pool,
                           const BuildOptions& options)
    : source_(std::move(source)), pool_(pool), opt_(options), writer_(path) {
  reserve_chunk();
}

std::string StoreBuilder::where(uint64_t line) const {
  return line ? fmt::format("{}:{}", source_, lines_before_ + line) : source_;
}

std::string StoreBuilder::where(const BatchFile& run) const {
  return run.origin.empty() ? where(run.first_line) : run.origin;
}

void StoreBuilder::add(TraceBatch& b) {
  line_input_ |= b.lines > 0;
  report_bad(b);
  std::vector<uint16_t> api_map(b.apis.size());
  for (size_t i = 0; i < b.apis.size(); ++i) {
    uint32_t id = opt_.api_names == ApiNaming::kCanonical
                      ? apis_.intern(std::string(canonical_api_name(b.apis[i])))
                      : apis_.intern(b.apis[i]);
    if (id > UINT16_MAX)
      throw Error(fmt::format("{}: more than 65536 distinct API names", source_));
    api_map[i] = static_cast<uint16_t>(id);
  }
  std::vector<int64_t> ret_map(b.ret_strings.size());
  for (size_t i = 0; i < b.ret_strings.size(); ++i)
    ret_map[i] = ret_string_value(rets_.intern(b.ret_strings[i]));
  if (opt_.with_pid && b.pid.size() != b.rows())
    throw Error(
        fmt::format("{}: a batch of {} rows has {} process ids", source_, b.rows(), b.pid.size()));
  for (const BatchFile& run : b.files) {
    // A record-per-file input starts a file with every run; a CSV continues one across batches.
    if (opt_.one_record_per_file || !has_current_ || run.file_id != writer_.file_id(current_))
      if (!switch_file(run)) continue;
    check_label(current_, run);
    append(b, run, api_map, ret_map);
  }
  lines_before_ += b.lines;
  stats_.rows += b.rows();
}

void StoreBuilder::report_bad(const TraceBatch& b) {
  for (const BadRecord& bad : b.bad) {
    std::string message = bad.message;
    if (bad.ref_line) message += fmt::format(" on line {}", lines_before_ + bad.ref_line);
    // Without a line, the reader's message says where (a report names its path).
    skip_or_throw(bad.line ? fmt::format("{}: {}", where(bad.line), message) : message);
  }
}

void StoreBuilder::skip_or_throw(const std::string& text) {
  if (!opt_.skip_bad)
    throw Error(text + (line_input_ ? " (use --skip-bad-rows to skip such rows)"
                                    : " (use --skip-bad to skip such input)"));
  ++stats_.bad;
  if (stats_.bad_examples.size() < opt_.bad_shown) {
    stats_.bad_examples.push_back(text);
    if (opt_.log) opt_.log("skipping " + text);
  }
}

// Returns false when the run is to be skipped: a second record of a file (one-record inputs).
bool StoreBuilder::switch_file(const BatchFile& run) {
  close_file();
  auto it = index_.find(run.file_id);
  if (it != index_.end() && opt_.one_record_per_file) {
    const std::string& first = first_origin_[it->second];
    skip_or_throw(
        fmt::format("{}: file_id '{}' was already read from {} (a sample analysed twice?)",
                    where(run), run.file_id, first.empty() ? "an earlier record" : first));
    return false;
  }
  if (it != index_.end()) {  // rows of a file seen earlier: merged at the end
    current_ = it->second;
    late_ = true;
    if (late_rows_.find(current_) == late_rows_.end()) ++stats_.reappearing_files;
    late_rows_[current_];
  } else {
    current_ = writer_.add_file(run.file_id, run.label, run.processes);
    index_.emplace(run.file_id, current_);
    first_line_.push_back(run.first_line ? lines_before_ + run.first_line : 0);
    if (opt_.one_record_per_file) first_origin_.push_back(run.origin);
    late_ = false;
    chunk_.files.push_back(current_);
    chunk_.file_begin.push_back(static_cast<uint32_t>(chunk_.rows()));
  }
  has_current_ = true;
  return true;
}

void StoreBuilder::check_label(uint32_t f, const BatchFile& run) {
  int32_t expected = writer_.entry(f).label;
  if (run.label == expected) return;
  std::string before = first_line_[f] ? fmt::format(" on line {}", first_line_[f]) : "";
  throw Error(fmt::format("{}: file_id '{}' has label {} here but label {}{}", where(run),
                          excerpt(run.file_id), run.label, expected, before));
}

void StoreBuilder::append(const TraceBatch& b, const BatchFile& run,
                          const std::vector<uint16_t>& api_map,
                          const std::vector<int64_t>& ret_map) {
  ChunkColumns& c = late_ ? late_rows_[current_] : chunk_.cols;
  for (uint32_t i = run.row_begin; i < run.row_end; ++i) c.api.push_back(api_map[b.api[i]]);
  c.tid.insert(c.tid.end(), b.tid.begin() + run.row_begin, b.tid.begin() + run.row_end);
  c.index.insert(c.index.end(), b.index.begin() + run.row_begin, b.index.begin() + run.row_end);
  if (ret_map.empty()) {
    c.ret.insert(c.ret.end(), b.ret.begin() + run.row_begin, b.ret.begin() + run.row_end);
  } else {
    for (uint32_t i = run.row_begin; i < run.row_end; ++i) {
      int64_t v = b.ret[i];
      c.ret.push_back(ret_is_string(v) ? ret_map[ret_string_id(v)] : v);
    }
  }
  if (opt_.with_pid)
    c.pid.insert(c.pid.end(), b.pid.begin() + run.row_begin, b.pid.begin() + run.row_end);
}

// Room for a chunk's rows up front: growing four columns by doubling copied each row twice.
void StoreBuilder::reserve_chunk() {
  const size_t n = opt_.chunk_rows + opt_.chunk_rows / 4;
  chunk_.cols.api.reserve(n);
  chunk_.cols.tid.reserve(n);
  chunk_.cols.index.reserve(n);
  chunk_.cols.ret.reserve(n);
  if (opt_.with_pid) chunk_.cols.pid.reserve(n);
}

void StoreBuilder::close_file() {
  if (has_current_ && !late_ && chunk_.rows() >= opt_.chunk_rows) flush_chunk();
  has_current_ = false;
}

void StoreBuilder::flush_chunk() {
  chunk_.file_begin.push_back(static_cast<uint32_t>(chunk_.rows()));
  auto rows = std::make_shared<ChunkRows>(std::move(chunk_));
  chunk_ = ChunkRows();
  reserve_chunk();
  pending_.push_back(pool_.submit([rows] { return store::encode_chunk(std::move(*rows)); }));
  // Bound memory: never more chunks in flight than workers plus one.
  while (pending_.size() > static_cast<size_t>(pool_.size()) + 1 ||
         (!pending_.empty() &&
          pending_.front().wait_for(std::chrono::seconds(0)) == std::future_status::ready))
    write_front();
}

void StoreBuilder::write_front() {
  EncodedChunk c = pending_.front().get();
  pending_.pop_front();
  writer_.write_chunk(c);
  ++stats_.chunks;
}

// Files whose rows came back after other files: their first rows are read back from the chunk
// already written, joined with the rest and written again as one file.
void StoreBuilder::merge_late_files() {
  if (late_rows_.empty()) return;
  if (opt_.log)
    opt_.log(fmt::format(
        "warning: {} file_ids came back after other files; their rows were merged (input not "
        "grouped by file_id)",
        stats_.reappearing_files));
  std::map<uint32_t, ChunkColumns> decoded;
  for (auto& [f, late] : late_rows_) {
    const store::FileEntry e = writer_.entry(f);
    auto it = decoded.find(e.chunk);
    if (it == decoded.end()) it = decoded.emplace(e.chunk, writer_.read_chunk(e.chunk)).first;
    const ChunkColumns& src = it->second;
    chunk_.files.push_back(f);
    chunk_.file_begin.push_back(static_cast<uint32_t>(chunk_.rows()));
    auto take = [&](auto& dst, const auto& a, const auto& b) {
      dst.insert(dst.end(), a.begin() + e.row_in_chunk, a.begin() + e.row_in_chunk + e.n_rows);
      dst.insert(dst.end(), b.begin(), b.end());
    };
    take(chunk_.cols.api, src.api, late.api);
    take(chunk_.cols.tid, src.tid, late.tid);
    take(chunk_.cols.index, src.index, late.index);
    take(chunk_.cols.ret, src.ret, late.ret);
    if (opt_.with_pid) take(chunk_.cols.pid, src.pid, late.pid);
    late = ChunkColumns();
    if (chunk_.rows() >= opt_.chunk_rows) flush_chunk();
  }
  if (!chunk_.files.empty()) flush_chunk();
  while (!pending_.empty()) write_front();
}

BuildStats StoreBuilder::finish(nlohmann::json meta) {
  close_file();
  if (!chunk_.files.empty()) flush_chunk();
  while (!pending_.empty()) write_front();
  merge_late_files();
  stats_.files = writer_.num_files();
  if (stats_.files == 0)
    throw Error(stats_.bad ? fmt::format("'{}': all {} records were bad; no store written", source_,
                                         stats_.bad)
                           : fmt::format("'{}' holds no traces; no store written", source_));
  stats_.rows = 0;
  std::vector<uint32_t> counts;
  for (uint32_t f = 0; f < stats_.files; ++f) {
    const store::FileEntry& e = writer_.entry(f);
    stats_.rows += e.n_rows;
    if (e.label < 0) continue;
    if (counts.size() <= static_cast<size_t>(e.label)) counts.resize(e.label + 1);
    counts[e.label]++;
  }
  meta["bad_rows_skipped"] = stats_.bad;
  if (stats_.bad) meta["skipped"] = stats_.bad_examples;
  meta["api_names"] = std::string(api_naming_name(opt_.api_names));
  meta["reappearing_files"] = stats_.reappearing_files;
  meta["class_counts"] = counts;
  const int classes = static_cast<int>(counts.size());
  if (!opt_.class_names.empty()) {
    if (opt_.class_names.size() < counts.size())
      throw UsageError(fmt::format("{} class names given for {} classes (labels 0 to {})",
                                   opt_.class_names.size(), classes, classes - 1));
    meta["class_names"] = opt_.class_names;
  } else if (classes > 0) {
    meta["class_names"] = default_class_names(classes);
  }
  writer_.finish(apis_.names(), rets_.names(), meta);
  return stats_;
}

}  // namespace malscope
