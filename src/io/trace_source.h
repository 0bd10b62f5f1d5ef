#pragma once
// TraceSource: one reader's view of an input, as the store builder consumes it. A source cuts its
// input into units of parsing work; the ingest driver runs units on any thread, several at a
// time, and hands the resulting TraceBatches to the store builder in the order next() gave the
// units. Readers register themselves by name (MALSCOPE_REGISTER_TRACE_SOURCE), so a new input
// format is one new file in io/ and nothing else.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/label_map.h"
#include "io/trace_batch.h"
#include "util/log.h"

namespace malscope {

/// What every reader may be asked for; a reader ignores what does not apply to it.
struct SourceOptions {
  bool skip_bad = false;          ///< skip and record unreadable rows or reports
  size_t block_bytes = 8u << 20;  ///< bytes of text per unit of parsing work
  /// Labels by file_id for inputs that carry none (sandbox reports); null: unlabeled.
  std::shared_ptr<const LabelMap> labels;
  LogFn log;  ///< warnings while reading
};

class TraceSource {
 public:
  /// A unit of parsing work: safe to run on any thread, once.
  using Unit = std::function<TraceBatch()>;
  virtual ~TraceSource() = default;

  /// The input's name, for messages ("<stdin>" for standard input).
  virtual const std::string& name() const = 0;
  /// The next unit of work, or an empty Unit at the end of the input. Called from one thread.
  virtual Unit next() = 0;
  /// Input bytes handed out in units so far, and in all (0: unknown), for progress.
  virtual uint64_t bytes_read() const = 0;
  virtual uint64_t total_bytes() const = 0;
  /// Whether files carry labels.
  virtual bool labeled() const = 0;
  /// Whether calls carry return values.
  virtual bool has_return_value() const = 0;
  /// Whether calls carry their process id (TraceBatch::pid) and files their process count.
  virtual bool has_processes() const { return false; }
  /// Whether each file comes whole from one record (a report): a file_id seen again is then a
  /// second record of it (a sample analysed twice), bad input, not more rows of the same file.
  virtual bool one_record_per_file() const { return false; }
  /// Called once after every unit has run and its batch was taken: a reader may log (or throw
  /// for) what it can only judge on the whole input, such as labels that matched no report.
  virtual void finish() {}
  /// What the store records about the input ("format", "columns", ...), merged into its metadata.
  virtual nlohmann::json describe() const = 0;
  /// The error when the input held no trace at all (`bad` records were skipped).
  virtual std::string nothing_read(uint64_t bad) const;
};

/// A reader known by name: whether it takes a set of inputs, and how to open them.
struct TraceSourceKind {
  const char* name;  ///< "csv", ...
  /// Whether this reader recognises the inputs (by their names or first bytes).
  bool (*accepts)(std::span<const std::string> inputs);
  /// Opens the inputs; throws Error naming the input that cannot be read.
  std::unique_ptr<TraceSource> (*open)(std::span<const std::string> inputs,
                                       const SourceOptions& options);
};

/// Registers a reader (at static initialisation); returns true.
bool register_trace_source(const TraceSourceKind& kind);
/// The registered readers, in name order.
std::vector<TraceSourceKind> trace_source_kinds();
/// Opens `inputs` with the first registered reader (in name order) that accepts them; throws
/// UsageError listing the readers when none does.
std::unique_ptr<TraceSource> open_trace_source(std::span<const std::string> inputs,
                                               const SourceOptions& options);

/// Registers a reader from its file in io/ (the library is linked whole, so it is never dropped).
#define MALSCOPE_REGISTER_TRACE_SOURCE(kind)                             \
  [[maybe_unused]] static const bool malscope_trace_source_registered_ = \
      ::malscope::register_trace_source(kind)

}  // namespace malscope
