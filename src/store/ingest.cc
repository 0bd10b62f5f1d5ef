#include "store/ingest.h"

#include <fmt/format.h>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <unordered_map>

#include "io/csv_parser.h"
#include "store/store_writer.h"
#include "util/byte_buffer.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/progress.h"
#include "util/thread_pool.h"

namespace malscope {
namespace {

using store::ChunkRows;
using store::EncodedChunk;
using store::StoreWriter;

// Store-wide string ids, assigned in input order.
class Dictionary {
 public:
  uint32_t intern(const std::string& s) {
    auto [it, added] = ids_.try_emplace(s, static_cast<uint32_t>(names_.size()));
    if (added) names_.push_back(s);
    return it->second;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

// A block of whole lines, each ending with '\n', and what keeps its bytes alive.
struct Block {
  std::shared_ptr<const void> owner;
  std::string_view text;
  explicit operator bool() const { return owner != nullptr; }
};

// Cuts the input into blocks of whole lines. A regular file is mapped in spans of several blocks
// (no copy; a span is unmapped once its last block is parsed, so resident memory stays bounded);
// stdin and pipes are read into buffers.
class BlockReader {
 public:
  BlockReader(InputFile& in, size_t block_bytes) : in_(in), block_(block_bytes) {}

  /// The header line (without its line end); throws on empty input.
  std::string header() {
    for (;;) {
      size_t nl = carry_.find('\n');
      if (nl != std::string::npos) {
        std::string h = carry_.substr(0, nl);
        carry_.erase(0, nl + 1);
        bytes_ += nl + 1;
        return h;
      }
      if (!fill(carry_, size_t{1} << 16)) {
        if (carry_.empty())
          throw Error(fmt::format("'{}' is empty; expected a CSV header line", in_.name()));
        std::string h = std::move(carry_);
        bytes_ += h.size();
        carry_.clear();
        return h;
      }
    }
  }

  /// The next block of whole lines (ending with '\n'); empty at the end.
  Block next() {
    if (in_.mappable()) return next_mapped();
    std::shared_ptr<ByteBuffer> buf = next_read();
    if (!buf) return {};
    std::string_view text = buf->view();
    return {std::move(buf), text};
  }

  uint64_t bytes() const { return bytes_; }

 private:
  // The next block, cut from a mapped span of the file; bytes_ (the header's length at first) is
  // where it starts. Spans hold many blocks: each unmap costs every core a TLB shootdown.
  Block next_mapped() {
    const uint64_t size = *in_.size();
    if (bytes_ >= size) return {};
    uint64_t len = std::min<uint64_t>(block_, size - bytes_);
    for (;;) {
      if (!span_ || bytes_ < span_at_ || bytes_ + len > span_at_ + span_->size()) {
        span_.reset();  // blocks in flight keep the old span alive
        span_at_ = bytes_;
        span_ = std::make_shared<FileSpan>(
            in_, bytes_,
            static_cast<size_t>(
                std::min<uint64_t>(std::max<uint64_t>(len, kSpanBlocks * block_), size - bytes_)));
      }
      std::string_view text(span_->data() + (bytes_ - span_at_), static_cast<size_t>(len));
      size_t cut = text.back() == '\n' ? text.size() - 1 : text.rfind('\n');
      if (cut != std::string_view::npos) {
        bytes_ += cut + 1;
        return {span_, text.substr(0, cut + 1)};
      }
      if (bytes_ + len == size) {  // a last line without a line end: copied, '\n' added
        auto buf = std::make_shared<ByteBuffer>(text.size() + 1);
        buf->append(text.data(), text.size());
        buf->append("\n", 1);
        bytes_ += text.size();
        std::string_view t = buf->view();
        return {std::move(buf), t};
      }
      len = std::min<uint64_t>(2 * len, size - bytes_);  // a line longer than a block
    }
  }

  // Reads the next block into a fresh buffer; only the partial last line is copied over to the
  // next one. nullptr at the end.
  std::shared_ptr<ByteBuffer> next_read() {
    auto out = std::make_shared<ByteBuffer>(block_ + carry_.size() + 1);
    out->append(carry_.data(), carry_.size());
    carry_.clear();
    while (!eof_ && out->size() < block_) fill(*out, block_ - out->size());
    if (out->empty()) return nullptr;
    std::string_view text = out->view();
    size_t cut = text.rfind('\n');
    while (cut == std::string::npos && !eof_) {  // a line longer than a block
      fill(*out, block_);
      text = out->view();
      cut = text.rfind('\n');
    }
    if (cut == std::string::npos) {  // last line without a line end
      bytes_ += out->size();
      out->append("\n", 1);
    } else {
      carry_.assign(text.substr(cut + 1));
      out->resize(cut + 1);
      bytes_ += out->size();
    }
    return out;
  }

  template <class Buffer>
  bool fill(Buffer& buf, size_t n) {
    size_t old = buf.size();
    buf.resize(old + n);
    size_t got = in_.read(buf.data() + old, n);
    buf.resize(old + got);
    if (got == 0) eof_ = true;
    return got > 0;
  }
  static constexpr uint64_t kSpanBlocks = 8;
  InputFile& in_;
  size_t block_;
  std::shared_ptr<FileSpan> span_;  // the mapped span blocks are cut from
  uint64_t span_at_ = 0;            // its offset in the file
  std::string carry_;
  bool eof_ = false;
  uint64_t bytes_ = 0;
};

// Consumes parsed blocks in input order and builds files and chunks.
class Assembler {
 public:
  Assembler(const std::string& source, const CsvSchema& schema, StoreWriter& writer,
            ThreadPool& pool, const IngestOptions& opt, IngestStats& stats)
      : source_(source), schema_(schema), writer_(writer), pool_(pool), opt_(opt), stats_(stats) {
    reserve_chunk();
  }

  void consume(ParsedBlock& b) {
    report_bad(b);
    std::vector<uint16_t> api_map(b.apis.size());
    for (size_t i = 0; i < b.apis.size(); ++i) {
      uint32_t id = apis_.intern(b.apis[i]);
      if (id > UINT16_MAX)
        throw Error(fmt::format("{}: more than 65536 distinct API names", source_));
      api_map[i] = static_cast<uint16_t>(id);
    }
    std::vector<int64_t> ret_map(b.ret_strings.size());
    for (size_t i = 0; i < b.ret_strings.size(); ++i)
      ret_map[i] = kRetStringBase + rets_.intern(b.ret_strings[i]);
    for (const ParsedRun& run : b.runs) {
      if (!has_current_ || run.file_id != writer_.file_id(current_)) switch_file(run);
      check_label(current_, run);
      append(b, run, api_map, ret_map);
    }
    lines_before_ += b.lines;
    stats_.rows += b.rows();
  }

  void finish() {
    close_file();
    if (!chunk_.files.empty()) flush_chunk();
    while (!pending_.empty()) write_front();
    merge_late_files();
  }

  const std::vector<std::string>& apis() const { return apis_.names(); }
  const std::vector<std::string>& ret_strings() const { return rets_.names(); }

 private:
  void report_bad(const ParsedBlock& b) {
    for (const BadRow& bad : b.bad) {
      std::string where = fmt::format("{}:{}", source_, lines_before_ + bad.line);
      if (!opt_.skip_bad_rows)
        throw Error(
            fmt::format("{}: {} (use --skip-bad-rows to skip such rows)", where, bad.message));
      ++stats_.bad_rows;
      if (stats_.bad_examples.size() < opt_.bad_rows_shown) {
        stats_.bad_examples.push_back(fmt::format("{}: {}", where, bad.message));
        if (opt_.log)
          std::fprintf(opt_.log, "malscope: skipping %s\n", stats_.bad_examples.back().c_str());
      }
    }
  }

  void switch_file(const ParsedRun& run) {
    close_file();
    auto it = index_.find(run.file_id);
    if (it != index_.end()) {  // rows of a file seen earlier: merged at the end
      current_ = it->second;
      late_ = true;
      if (late_rows_.find(current_) == late_rows_.end()) ++stats_.reappearing_files;
      late_rows_[current_];
    } else {
      current_ = writer_.add_file(run.file_id, run.label);
      index_.emplace(run.file_id, current_);
      first_line_.push_back(lines_before_ + run.first_line);
      late_ = false;
      chunk_.files.push_back(current_);
      chunk_.file_begin.push_back(static_cast<uint32_t>(chunk_.rows()));
    }
    has_current_ = true;
  }

  void check_label(uint32_t f, const ParsedRun& run) {
    int32_t expected = writer_.entry(f).label;
    if (run.label != expected)
      throw Error(fmt::format("{}:{}: file_id '{}' has label {} here but label {} on line {}",
                              source_, lines_before_ + run.first_line, run.file_id, run.label,
                              expected, first_line_[f]));
  }

  void append(const ParsedBlock& b, const ParsedRun& run, const std::vector<uint16_t>& api_map,
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
  }

  // Room for a chunk's rows up front: growing four columns by doubling copied each row twice.
  void reserve_chunk() {
    const size_t n = opt_.chunk_rows + opt_.chunk_rows / 4;
    chunk_.cols.api.reserve(n);
    chunk_.cols.tid.reserve(n);
    chunk_.cols.index.reserve(n);
    chunk_.cols.ret.reserve(n);
  }

  void close_file() {
    if (has_current_ && !late_ && chunk_.rows() >= opt_.chunk_rows) flush_chunk();
    has_current_ = false;
  }

  void flush_chunk() {
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

  void write_front() {
    EncodedChunk c = pending_.front().get();
    pending_.pop_front();
    writer_.write_chunk(c);
    ++stats_.chunks;
  }

  // Files whose rows came back after other files: their first rows are read back from the
  // chunk already written, joined with the rest and written again as one file.
  void merge_late_files() {
    if (late_rows_.empty()) return;
    if (opt_.log)
      std::fprintf(opt_.log,
                   "malscope: warning: %u file_ids came back after other files; their rows were "
                   "merged (input not grouped by file_id)\n",
                   stats_.reappearing_files);
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
      late = ChunkColumns();
      if (chunk_.rows() >= opt_.chunk_rows) flush_chunk();
    }
    if (!chunk_.files.empty()) flush_chunk();
    while (!pending_.empty()) write_front();
  }

  const std::string& source_;
  const CsvSchema& schema_;
  StoreWriter& writer_;
  ThreadPool& pool_;
  const IngestOptions& opt_;
  IngestStats& stats_;
  Dictionary apis_, rets_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<uint64_t> first_line_;
  std::map<uint32_t, ChunkColumns> late_rows_;  // ordered: merged in file order
  uint32_t current_ = 0;
  bool has_current_ = false;
  bool late_ = false;
  uint64_t lines_before_ = 1;  // the header
  ChunkRows chunk_;
  std::deque<std::future<EncodedChunk>> pending_;
};

nlohmann::json make_meta(const std::string& source, const CsvSchema& schema, const IngestStats& s,
                         const StoreWriter& w) {
  std::vector<uint32_t> counts;
  for (uint32_t f = 0; f < w.num_files(); ++f) {
    int32_t l = w.entry(f).label;
    if (l < 0) continue;
    if (counts.size() <= static_cast<size_t>(l)) counts.resize(l + 1);
    counts[l]++;
  }
  return {{"malscope_version", "0.1.0"},    {"source", source},
          {"columns", schema.names},        {"format", schema.format_name()},
          {"labeled", schema.has_label},    {"has_return_value", schema.has_return_value},
          {"input_bytes", s.bytes},         {"input_lines", s.lines},
          {"bad_rows_skipped", s.bad_rows}, {"reappearing_files", s.reappearing_files},
          {"class_counts", counts}};
}

}  // namespace

IngestStats ingest_csv(const std::string& input, const std::string& store_path,
                       const IngestOptions& opt) {
  auto start = std::chrono::steady_clock::now();
  IngestStats stats;
  InputFile in(input);
  BlockReader reader(in, opt.block_bytes);
  CsvSchema schema = CsvSchema::from_header(reader.header(), in.name());
  StoreWriter writer(store_path);
  ThreadPool pool(default_threads(opt.threads));
  Assembler assembler(in.name(), schema, writer, pool, opt, stats);
  Progress progress(opt.progress ? "ingest" : "", opt.progress ? in.size().value_or(0) : 0);
  bool show = opt.progress && progress.enabled();

  std::deque<std::future<ParsedBlock>> parsing;
  const size_t depth = 2 * static_cast<size_t>(pool.size()) + 1;
  bool more = true;
  for (;;) {
    while (more && parsing.size() < depth) {
      Block text = reader.next();
      if (!text) {
        more = false;
        break;
      }
      bool skip = opt.skip_bad_rows;
      parsing.push_back(
          pool.submit([text, &schema, skip] { return parse_block(text.text, schema, skip); }));
    }
    if (parsing.empty()) break;
    ParsedBlock block = parsing.front().get();
    parsing.pop_front();
    assembler.consume(block);
    stats.lines += block.lines;
    if (show) progress.update(reader.bytes(), stats.rows);
  }
  assembler.finish();
  progress.finish();
  stats.bytes = reader.bytes();
  stats.lines += 1;
  stats.files = writer.num_files();
  if (stats.files == 0)
    throw Error(stats.bad_rows ? fmt::format("'{}': all {} data rows were bad; no store written",
                                             in.name(), stats.bad_rows)
                               : fmt::format("'{}' has a header but no data rows", in.name()));
  stats.rows = 0;
  for (uint32_t f = 0; f < stats.files; ++f) stats.rows += writer.entry(f).n_rows;
  writer.finish(assembler.apis(), assembler.ret_strings(),
                make_meta(in.name(), schema, stats, writer));
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace malscope
