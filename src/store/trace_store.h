#pragma once
// TraceStore: the columnar, memory-mapped store of API-call traces that every later stage reads.
// Open is cheap (maps the file, checks it, reads the small tables); call columns are decoded a
// chunk at a time, on demand, and handed out as spans per file.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/api_names.h"
#include "io/return_value.h"
#include "store/format.h"
#include "util/fs.h"

namespace malscope {

/// Column selection bits for decoding.
enum ColumnMask : unsigned {
  kColApi = 1,
  kColTid = 2,
  kColIndex = 4,
  kColRet = 8,
  kColPid = 16,
  kColAll = 31,
};

/// One file's calls in store order (tid, index, input row order). Spans of columns not decoded
/// are empty.
struct FileTrace {
  uint32_t file = 0;    ///< position of the file in the store
  std::string_view id;  ///< file_id as given in the input
  int32_t label = -1;   ///< class, or -1 when unlabeled
  std::span<const uint16_t> api;
  std::span<const uint32_t> tid;
  std::span<const uint32_t> index;
  std::span<const int64_t> ret;
  std::span<const uint32_t> pid;  ///< process id of each call; empty when the store has none
  uint32_t n_rows = 0;
  size_t size() const { return n_rows; }
};

/// Decoded columns of one chunk.
struct ChunkColumns {
  std::vector<uint16_t> api;
  std::vector<uint32_t> tid;
  std::vector<uint32_t> index;
  std::vector<int64_t> ret;
  std::vector<uint32_t> pid;  ///< empty when the store has no process column
};

/// A file's trace that owns its decoded chunk (for random access to single files).
struct OwnedTrace {
  ChunkColumns columns;
  FileTrace trace;
};

class TraceStore {
 public:
  /// Opens and validates a store; throws Error naming the path if it is missing, foreign,
  /// truncated, of another version or corrupt. `names`: show API names as stored (nullopt), or
  /// as `names` asks: canonical names for an as-is store are folded on the fly (apis() holds the
  /// folded names, decoded api columns their ids); as-is names cannot be had from a canonical
  /// store (Error).
  static TraceStore open(const std::string& path, std::optional<ApiNaming> names = std::nullopt);

  TraceStore(TraceStore&&) noexcept;
  TraceStore& operator=(TraceStore&&) noexcept;
  ~TraceStore();

  /// Path the store was opened from.
  const std::string& path() const;
  /// Total rows (API calls) over all files.
  uint64_t num_rows() const;
  /// Number of files (samples).
  uint32_t num_files() const;
  /// Number of chunks (units of decoding and parallelism).
  uint32_t num_chunks() const;
  /// Whether the input had a label column.
  bool labeled() const;
  /// Whether the input had a return_value column (season 1).
  bool has_return_value() const;
  /// Whether calls carry their process id and files their process count (sandbox reports).
  bool has_processes() const;
  /// The store's format version (store/format.h).
  uint32_t format_version() const;
  /// 1 + the largest label (0 when unlabeled).
  int num_classes() const;
  /// One name per class (at least num_classes()): as given at ingest, else the defaults of
  /// store/class_names.h; empty for an unlabeled store given none.
  const std::vector<std::string>& class_names() const;

  /// API names, indexed by the ids in FileTrace::api.
  const std::vector<std::string>& apis() const;
  /// How the API names are spelled (as ingested, or as open() was asked to show them).
  ApiNaming api_naming() const;
  /// Interned non-numeric return values.
  const std::vector<std::string>& ret_strings() const;
  /// A return value as text, exactly as it was given in the input.
  std::string format_return(int64_t v) const;

  /// file_id of file f, as given.
  std::string_view file_id(uint32_t f) const;
  /// Label of file f, or -1.
  int32_t label(uint32_t f) const;
  /// Number of calls of file f.
  uint32_t file_rows(uint32_t f) const;
  /// Number of distinct threads of file f.
  uint32_t file_threads(uint32_t f) const;
  /// Number of processes of file f's run (0 when the store has no processes).
  uint32_t file_processes(uint32_t f) const;
  /// Position of the file with this file_id, if any.
  std::optional<uint32_t> find_file(std::string_view id) const;
  /// Ingest metadata (source, columns, bad rows skipped, ...).
  const nlohmann::json& meta() const;

  /// Decodes the selected columns of chunk c.
  ChunkColumns read_chunk(uint32_t c, unsigned columns) const;
  /// Files whose rows live in chunk c, in store order.
  std::span<const uint32_t> chunk_files(uint32_t c) const;
  /// The trace of file f out of its decoded chunk.
  FileTrace file_trace(const ChunkColumns& chunk, uint32_t f) const;
  /// Decodes file f alone.
  OwnedTrace read_file(uint32_t f, unsigned columns) const;
  /// Calls fn(trace, worker) for every file; chunks are decoded in parallel on `threads` threads
  /// (0 = all cores), so fn runs concurrently and in no fixed order: write results by trace.file.
  /// worker is in [0, threads) for per-worker accumulators.
  void for_each_file(unsigned columns, int threads,
                     const std::function<void(const FileTrace&, int worker)>& fn) const;

 private:
  struct Impl;
  explicit TraceStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace malscope
