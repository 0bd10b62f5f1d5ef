#include "io/csv_reader.h"

#include <fmt/format.h>
#include <algorithm>
#include <cstring>
#include <filesystem>

#include "io/csv_parser.h"
#include "io/csv_schema.h"
#include "util/byte_buffer.h"
#include "util/error.h"
#include "util/fs.h"

namespace malscope {
namespace {

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

class CsvSource : public TraceSource {
 public:
  CsvSource(const std::string& path, const SourceOptions& opt)
      : in_(path),
        reader_(in_, opt.block_bytes),
        schema_(CsvSchema::from_header(reader_.header(), in_.name())),
        skip_(opt.skip_bad) {}

  const std::string& name() const override { return in_.name(); }
  Unit next() override {
    Block text = reader_.next();
    if (!text) return {};
    // The schema outlives every unit: the ingest driver finishes them before the source goes.
    return
        [text, schema = &schema_, skip = skip_] { return parse_block(text.text, *schema, skip); };
  }
  uint64_t bytes_read() const override { return reader_.bytes(); }
  uint64_t total_bytes() const override { return in_.size().value_or(0); }
  bool labeled() const override { return schema_.has_label; }
  bool has_return_value() const override { return schema_.has_return_value; }
  nlohmann::json describe() const override {
    return {{"reader", "csv"}, {"columns", schema_.names}, {"format", schema_.format_name()}};
  }
  std::string nothing_read(uint64_t bad) const override {
    return bad ? fmt::format("'{}': all {} data rows were bad; no store written", name(), bad)
               : fmt::format("'{}' has a header but no data rows", name());
  }

 private:
  InputFile in_;
  BlockReader reader_;
  CsvSchema schema_;
  bool skip_;
};

// A CSV is one input: standard input, or a file that is neither a folder, JSON nor a list file.
bool accepts_csv(std::span<const std::string> inputs) {
  if (inputs.size() != 1) return false;
  const std::string& p = inputs[0];
  if (p == "-") return true;
  auto ends_with = [&](std::string_view s) {
    return p.size() >= s.size() && p.compare(p.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with(".csv")) return true;
  if (ends_with(".json") || ends_with(".gz")) return false;
  if (ends_with(".txt") || ends_with(".list")) return false;  // a list of report paths
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return false;
  try {
    InputFile in(p);
    char buf[256];
    size_t n = in.read(buf, sizeof buf);
    std::string_view head(buf, n);
    size_t first = head.find_first_not_of(" \t\r\n");
    return first == std::string_view::npos || (head[first] != '{' && head[first] != '[');
  } catch (const Error&) {
    return false;  // missing or unreadable: open_trace_source says so
  }
}

std::unique_ptr<TraceSource> open_csv(std::span<const std::string> inputs,
                                      const SourceOptions& options) {
  return open_csv_source(inputs[0], options);
}

MALSCOPE_REGISTER_TRACE_SOURCE((TraceSourceKind{"csv", accepts_csv, open_csv}));

}  // namespace

std::unique_ptr<TraceSource> open_csv_source(const std::string& path,
                                             const SourceOptions& options) {
  if (options.labels)
    throw UsageError(fmt::format(
        "'{}' is a CSV: its labels are its label column (--labels is for sandbox reports)", path));
  return std::make_unique<CsvSource>(path, options);
}

}  // namespace malscope
