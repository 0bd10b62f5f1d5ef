#pragma once
// StoreBuilder: takes TraceBatches from any reader, in input order, and builds the trace store.
// It owns what every input shares: store-wide API and return-text dictionaries (ids in order of
// first appearance), files numbered as they first appear, a file_id that comes back after other
// files merged into the one file, labels checked per file, chunks of whole files sorted by
// (tid, index, input order) and encoded on the pool, and the atomic write (nothing is left at
// the store's path unless finish() succeeds).
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/api_names.h"
#include "io/trace_batch.h"
#include "store/store_writer.h"
#include "util/log.h"
#include "util/thread_pool.h"

namespace malscope {

struct BuildOptions {
  bool skip_bad = false;                   ///< count and skip bad records instead of stopping
  uint32_t chunk_rows = 1u << 20;          ///< target rows per chunk (whole files per chunk)
  size_t bad_shown = 5;                    ///< how many skipped records to log and keep as examples
  std::vector<std::string> class_names;    ///< one per class at least (empty: the defaults)
  bool with_pid = false;                   ///< batches carry a process id per row
  bool one_record_per_file = false;        ///< a file_id seen again is bad input, not more rows
  ApiNaming api_names = ApiNaming::kAsIs;  ///< names as read, or folded (io/api_names.h)
  LogFn log;                               ///< skipped records and warnings
};

struct BuildStats {
  uint64_t rows = 0;                      ///< rows stored
  uint32_t files = 0;                     ///< files stored
  uint32_t chunks = 0;                    ///< chunks written
  uint64_t bad = 0;                       ///< records skipped (with skip_bad)
  uint32_t reappearing_files = 0;         ///< file_ids whose rows came back after other files
  std::vector<std::string> bad_examples;  ///< the first bad records, with where they were
};

class StoreBuilder {
 public:
  /// Starts the store at `path`; `source` names the input in messages; chunks are encoded on
  /// `pool`.
  StoreBuilder(const std::string& path, std::string source, ThreadPool& pool,
               const BuildOptions& options);

  /// Adds the next batch of the input. Throws Error naming the input and line for a bad record
  /// (unless skip_bad) or a file whose label changes.
  void add(TraceBatch& batch);
  /// Files added so far.
  uint32_t num_files() const { return writer_.num_files(); }
  /// Counts so far (rows and files are final only after finish()).
  const BuildStats& stats() const { return stats_; }
  /// Writes the rest, the dictionaries and tables and `meta` (the input's description; the
  /// builder adds its counts), and renames the store into place. Throws Error if no file was
  /// added. Returns what was stored.
  BuildStats finish(nlohmann::json meta);

 private:
  class Dictionary {
   public:
    uint32_t intern(const std::string& s);
    const std::vector<std::string>& names() const { return names_; }

   private:
    std::unordered_map<std::string, uint32_t> ids_;
    std::vector<std::string> names_;
  };

  void report_bad(const TraceBatch& b);
  void skip_or_throw(const std::string& text);
  bool switch_file(const BatchFile& run);
  void check_label(uint32_t f, const BatchFile& run);
  void append(const TraceBatch& b, const BatchFile& run, const std::vector<uint16_t>& api_map,
              const std::vector<int64_t>& ret_map);
  void reserve_chunk();
  void close_file();
  void flush_chunk();
  void write_front();
  void merge_late_files();
  std::string where(uint64_t line) const;
  std::string where(const BatchFile& run) const;

  std::string source_;
  ThreadPool& pool_;
  BuildOptions opt_;
  store::StoreWriter writer_;
  BuildStats stats_;
  Dictionary apis_, rets_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<uint64_t> first_line_;
  std::vector<std::string> first_origin_;       // per file, for one-record-per-file inputs
  std::map<uint32_t, ChunkColumns> late_rows_;  // ordered: merged in file order
  uint32_t current_ = 0;
  bool has_current_ = false;
  bool late_ = false;
  bool line_input_ = false;    // the input has lines (messages give them)
  uint64_t lines_before_ = 1;  // lines before the current batch (the header)
  store::ChunkRows chunk_;
  std::deque<std::future<store::EncodedChunk>> pending_;
};

}  // namespace malscope
