#pragma once
// The analysts' split, without awk: one CSV per file, in one folder per class.
#include <cstdint>
#include <string>

#include "store/trace_store.h"
#include "util/log.h"

namespace malscope {

struct ExportOptions {
  int threads = 0;
  ProgressFn progress;  ///< progress of the pass (empty: none)
};

struct ExportStats {
  uint32_t files = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

/// A file name for a file_id that cannot escape its folder: the id itself when it is plain
/// ([A-Za-z0-9._-], not starting with '.', at most 100 bytes), otherwise a cleaned prefix plus a
/// hash of the id, so distinct ids never share a name.
std::string safe_file_name(std::string_view file_id);

/// Writes DIR/<label>/<safe file_id>.csv (DIR/unlabeled/ for unlabeled stores) with the store's
/// columns, each file written atomically.
ExportStats export_csv(const TraceStore& store, const std::string& dir,
                       const ExportOptions& opt = {});

/// Writes the whole store as one Tianchi CSV at `path` ("-": standard output): the header of
/// csv_header(), then every file's rows in store order (files in chunk order, each file's calls
/// by (tid, index)), so the scripts written for the competition's files read a store made from
/// any input. Chunks are formatted in parallel and written in order; a file is written
/// atomically.
ExportStats export_tianchi_csv(const TraceStore& store, const std::string& path,
                               const ExportOptions& opt = {});

/// Appends one row of a file as CSV (columns as in the store's source header).
void append_csv_row(std::string& out, const TraceStore& store, const FileTrace& t, size_t row);
/// The CSV header line for the store's columns (with a line end).
std::string csv_header(const TraceStore& store);

}  // namespace malscope
